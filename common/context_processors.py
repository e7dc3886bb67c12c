from django.utils.functional import SimpleLazyObject

from common.menu import menu_for


def navigation(request):
    """The menu of the page shell, worked out only if the page shows it."""
    user = getattr(request, "user", None)
    return {"menu": SimpleLazyObject(lambda: menu_for(user))}
