def navigation(request):
    """What the menu needs: which staff roles the person holds."""
    user = getattr(request, "user", None)
    roles = user.staff_roles() if user is not None and user.is_authenticated else set()
    return {"staff_roles": roles}
