from django.urls import path

from credentialing import views

urlpatterns = [
    path("", views.home, name="home"),
]
