"""The page shell's menu, assembled from the entries each app registers in its ``menu.py``.

An entry names a URL and, optionally, a named rule (``rules.add_perm``): it is shown to whoever the rule lets
through, so the menu never repeats a permission check of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: Promise | str
    url_name: str
    permission: str | None = None  # a named rule; None: every signed-in person
    order: int = 100


@dataclass(frozen=True)
class MenuLink:
    key: str
    label: str
    url: str


_ENTRIES: dict[str, MenuEntry] = {}


def register_menu_entry(key: str, label: Promise | str, url_name: str, *, permission: str | None = None,
                        order: int = 100) -> MenuEntry:
    """Add an entry (idempotent per key: re-importing a module replaces its entries)."""
    entry = MenuEntry(key=key, label=label, url_name=url_name, permission=permission, order=order)
    _ENTRIES[key] = entry
    return entry


def registered_entries() -> list[MenuEntry]:
    return sorted(_ENTRIES.values(), key=lambda entry: (entry.order, entry.key))


_URLS: dict[tuple, str] = {}


def _url(url_name: str) -> str:
    """``reverse(url_name)``, worked out once per process: the menu and footer name the same URLs on every page
    (keyed by what a reversal depends on: the URL configuration and the script prefix)."""
    key = (url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(url_name)
    return url


def menu_for(user) -> list[MenuLink]:
    """The links this person may follow, in order; nothing for anonymous visitors."""
    if user is None or not user.is_authenticated:
        return []
    return [
        MenuLink(entry.key, str(entry.label), _url(entry.url_name))
        for entry in registered_entries()
        if entry.permission is None or user.has_perm(entry.permission)
    ]


# Links in the page footer for everyone, signed in or not (the privacy page); registered like menu entries.
_FOOTER: dict[str, MenuEntry] = {}


def register_footer_link(key: str, label: Promise | str, url_name: str, *, order: int = 100) -> MenuEntry:
    entry = MenuEntry(key=key, label=label, url_name=url_name, order=order)
    _FOOTER[key] = entry
    return entry


def footer_links() -> list[MenuLink]:
    return [MenuLink(entry.key, str(entry.label), _url(entry.url_name))
            for entry in sorted(_FOOTER.values(), key=lambda entry: (entry.order, entry.key))]
