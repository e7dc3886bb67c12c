from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from common.health import health
from credentialing.views.applicant import home

# The admin's own password-only login would bypass two-factor authentication: send it through allauth's.
admin.site.login = secure_admin_login(admin.site.login)

# A database that is away answers a clean 503 (common.errors); other errors the plain 500 page.
handler500 = "common.errors.server_error"

urlpatterns = [
    # The site's home, by a name the shared page shell can use without knowing which app serves it.
    path("", home, name="home"),
    path("health/", health, name="health"),  # for the load balancer and the monitoring: no sign-in
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("training/", include("training.urls")),
    path("", include("people.urls")),
    path("", include("certificates.urls")),
    path("", include("rostering.urls")),
    path("", include("supervision.urls")),
    path("", include("reports.urls")),
    path("", include("credentialing.urls")),
]
