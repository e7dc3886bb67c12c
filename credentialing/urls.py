from credentialing.views import applicant, vetting

app_name = "credentialing"
urlpatterns = applicant.urlpatterns + vetting.urlpatterns
