from django.utils.functional import SimpleLazyObject

from common.menu import footer_links, menu_for


def navigation(request):
    """The menu of the page shell, worked out only if the page shows it."""
    user = getattr(request, "user", None)
    return {"menu": SimpleLazyObject(lambda: menu_for(user)), "footer_links": SimpleLazyObject(footer_links)}
