from django.urls import path

from . import export_urls, views

urlpatterns = [
    path("cameras/", views.camera_list, name="evidence-camera-list"),
    path("cameras/<slug:code>/", views.camera_detail, name="evidence-camera-detail"),
    path(
        "cameras/<slug:code>/timeline/<str:day>.svg",
        views.camera_timeline,
        name="evidence-camera-timeline",
    ),
    path("camera-picker/", views.camera_picker, name="evidence-camera-picker"),
    path("recording-health/", views.health, name="evidence-health"),
    *export_urls.urlpatterns,
]
