from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from common.health import health

# The admin's own password-only login would bypass two-factor authentication: send it through allauth's.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("health/", health, name="health"),  # for the load balancer and the monitoring: no sign-in
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("training/", include("training.urls")),
    path("", include("people.urls")),
    path("", include("certificates.urls")),
    path("", include("rostering.urls")),
    path("", include("supervision.urls")),
    path("", include("credentialing.urls")),
]
