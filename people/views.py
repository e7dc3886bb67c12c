"""A person's own pages: time zone and language, their data, their calendar address, their working profile.

Thin views: parse the request, check a named rule, call a service, render.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from common.versioning import posted_version
from common.views import permission_required
from people import services
from people.calendar import cached_calendar_ics
from people.forms import ProfileSettingsForm, WorkingProfileForm
from people.models import CalendarFeed
from people.personal_data import personal_data_export


@login_required
@require_GET
def my_data(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(personal_data_export(request.user), encoder=DjangoJSONEncoder,
                            json_dumps_params={"ensure_ascii": False, "indent": 2})
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def profile_settings(request: HttpRequest) -> HttpResponse:
    form = ProfileSettingsForm(instance=request.user)
    if request.method == "POST":
        form = ProfileSettingsForm(request.POST, instance=request.user)
        if form.is_valid():
            user = form.save()
            # As Django's set_language view does: activate now and remember it in the cookie.
            translation.activate(user.language)
            messages.success(request, _("Your settings were saved."))
            response = redirect("people:profile_settings")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
            return response
    return render(request, "people/settings.html", {"form": form})


# --- the calendar address ----------------------------------------------------------------------


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    feed = services.calendar_feed_for(request.user)
    address = request.build_absolute_uri(reverse("people:calendar_feed", args=[feed.token]))
    return render(request, "people/calendar.html", {"feed": feed, "address": address,
                                                    "webcal": address.replace("https://", "webcal://", 1)
                                                    .replace("http://", "webcal://", 1)})


@login_required
@require_POST
def calendar_renew(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_renew(user=request.user)
    messages.success(request, _("Your calendar has a new address; the old one no longer works. "
                                "Subscribe again with the new one."))
    return redirect("people:calendar")


@require_GET
@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Read by calendar programs without a session: the token is the key."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    response = HttpResponse(cached_calendar_ics(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="counselor-service.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- the volunteer's working profile -------------------------------------------------------------


def _own_volunteer(request, *args, **kwargs):
    volunteer = request.user.volunteer_or_none()
    if volunteer is None:
        raise Http404(_("You are not a volunteer (yet)."))
    return volunteer


@permission_required("people.edit_volunteer_profile", fn=_own_volunteer)
def working_profile(request: HttpRequest) -> HttpResponse:
    volunteer = request.permission_object
    form = WorkingProfileForm(instance=volunteer)
    if request.method == "POST":
        form = WorkingProfileForm(request.POST, instance=volunteer)
        if form.is_valid():
            try:
                services.volunteer_update_profile(volunteer_id=volunteer.pk, actor=request.user,
                                                  profile=form.profile(), expected_version=posted_version(request.POST))
            except services.PeopleError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your working profile was saved."))
                return redirect("people:working_profile")
    return render(request, "people/working_profile.html", {"form": form, "volunteer": volunteer})
