from django.urls import path

from people import views

app_name = "people"
urlpatterns = [
    path("me/data/", views.my_data, name="my_data"),
    path("me/settings/", views.profile_settings, name="profile_settings"),
    path("me/calendar/", views.calendar, name="calendar"),
    path("me/calendar/renew/", views.calendar_renew, name="calendar_renew"),
    path("me/volunteering/", views.working_profile, name="working_profile"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
