"""Authentication backends that authenticate only: every permission is a named rule (django-rules).

Django's per-user and per-group permission tables are never consulted, so there is no second way to grant a
right beside the rules (and no queries for them on every page).
"""
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend


class _NoTablePermissions:
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False


class PasswordBackend(_NoTablePermissions, ModelBackend):
    """Django's password check (``authenticate(email=..., password=...)``)."""


class AccountBackend(_NoTablePermissions, AllauthBackend):
    """allauth's login by e-mail."""
