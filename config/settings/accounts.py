"""Accounts: django-allauth (e-mail login, verification, MFA), WeChat, object permissions."""
from config.env import env

# Permissions come from the named rules only; the other two backends authenticate and grant nothing.
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "people.backends.PasswordBackend",
    "people.backends.AccountBackend",
]

ACCOUNT_ADAPTER = "people.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    # merged over allauth's defaults
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Counselor Service"
# One 30-second step of clock drift either way: a code typed at a window's edge, or on a phone whose clock is a
# little off, is still accepted. Codes stay single-use for as long as they are valid (people/mfa.py).
MFA_TOTP_TOLERANCE = 1

SOCIALACCOUNT_ADAPTER = "allauth.socialaccount.adapter.DefaultSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {}
if env.wechat_app_id:
    SOCIALACCOUNT_PROVIDERS["weixin"] = {
        "APPS": [{"client_id": env.wechat_app_id, "secret": env.wechat_app_secret}],
        "SCOPE": ["snsapi_login"],
    }
