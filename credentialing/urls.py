from credentialing.views import applicant, privacy, vetting

app_name = "credentialing"
urlpatterns = applicant.urlpatterns + vetting.urlpatterns + privacy.urlpatterns
