from django.urls import path

from . import views

urlpatterns = [
    path("requests/", views.request_list, name="requests-list"),
    path("requests/new/", views.new_request, name="requests-new"),
    path("requests/availability/", views.availability, name="requests-availability"),
    path("requests/queue/", views.queue, name="requests-queue"),
    path("requests/queue/due-soon/", views.queue, name="requests-due-soon"),
    path("requests/queue/overdue/", views.queue, name="requests-overdue"),
    path("requests/endorsements/", views.endorsements, name="requests-endorsements"),
    path("requests/downloads/", views.downloads, name="requests-downloads"),
    path("requests/<str:reference>/", views.detail, name="requests-detail"),
    path("requests/<str:reference>/status/", views.change_status, name="requests-transition"),
    path("requests/<str:reference>/prepare/", views.prepare, name="requests-prepare"),
    path(
        "requests/<str:reference>/items/<int:item_id>/retry/",
        views.retry_export,
        name="requests-retry-export",
    ),
]
