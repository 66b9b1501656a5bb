from django.urls import path

from . import export_views as views

urlpatterns = [
    path("exports/", views.job_list, name="evidence-export-list"),
    path("exports/<str:token>/", views.job_detail, name="evidence-export-detail"),
    path("exports/<str:token>/retry/", views.job_retry, name="evidence-export-retry"),
    path("exports/files/<str:token>/", views.download, name="evidence-export-download"),
    path("verify/", views.verify, name="evidence-verify"),
]
