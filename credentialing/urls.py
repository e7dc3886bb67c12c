from credentialing.views import applicant, vetting

urlpatterns = applicant.urlpatterns + vetting.urlpatterns
