from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/mine/<str:kind>/", views.download_own, name="download_own"),
    path("certificates/<int:pk>/download/", views.download, name="download"),
    path("certificates/verify/<str:code>/", views.verify, name="verify"),
    path("certificates/manage/", views.manage, name="manage"),
    path("certificates/manage/issue/", views.issue, name="issue"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("certificates/batches/new/", views.batch_new, name="batch_new"),
    path("certificates/batches/<int:pk>/", views.batch_detail, name="batch"),
    path("certificates/batches/<int:pk>/retry/", views.batch_retry, name="batch_retry"),
    path("certificates/batches/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("certificates/batches/<int:pk>/download/", views.batch_download, name="batch_download"),
]
