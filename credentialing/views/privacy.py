"""The privacy page: what the service stores, why, who sees it and for how long (public, both languages)."""
from django.shortcuts import render
from django.urls import path

from credentialing.models import RetentionPolicy


def privacy(request):
    return render(request, "credentialing/privacy.html", {"retention": RetentionPolicy.current()})


urlpatterns = [path("privacy/", privacy, name="privacy")]
