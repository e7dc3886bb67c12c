"""Authentication backends that authenticate only: every permission is a named rule (django-rules).

Django's per-user and per-group permission tables are never consulted, so there is no second way to grant a
right beside the rules (and no queries for them on every page). The person of a signed-in request is loaded with
what every page asks about them (staff roles, volunteer record) in one query.
"""
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
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


class _LoadsTheSignedInPerson:
    def get_user(self, user_id):
        """The person of a signed-in request with their staff roles and volunteer record, in one query."""
        user_model = get_user_model()
        try:
            user = user_model._default_manager.as_signed_in().get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class PasswordBackend(_LoadsTheSignedInPerson, _NoTablePermissions, ModelBackend):
    """Django's password check (``authenticate(email=..., password=...)``)."""


class AccountBackend(_LoadsTheSignedInPerson, _NoTablePermissions, AllauthBackend):
    """allauth's login by e-mail."""
