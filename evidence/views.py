from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from portal import roles

from .models import Camera, Outage
from .selectors import coverage_percent_by_camera, search_cameras
from .services.coverage import coverage, outages_overlapping
from .services.holds import active_holds_overlapping
from .services.timeline import display_day_bounds, timeline_svg

PICKER_LIMIT = 20


@roles.role_required(*roles.STAFF_ROLES)
def camera_list(request):
    query = request.GET.get("q", "").strip()
    cameras = search_cameras(query, Camera.objects.select_related("recorder"))
    page = Paginator(cameras, 50).get_page(request.GET.get("page"))
    return render(request, "evidence/camera_list.html", {"page": page, "query": query})


@login_required
def camera_picker(request):
    """JSON for request forms: active cameras matching the typed text (code, place, zone)."""
    query = request.GET.get("q", "").strip()[:100]
    cameras = search_cameras(query, Camera.objects.filter(active=True))[:PICKER_LIMIT]
    return JsonResponse(
        {
            "cameras": [
                {
                    "id": camera.pk,
                    "code": camera.code,
                    "name": camera.name,
                    "location": camera.location_description,
                    "zone": camera.zone,
                }
                for camera in cameras
            ]
        }
    )


def _day(value):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Http404 from None


@roles.role_required(*roles.STAFF_ROLES)
def camera_detail(request, code):
    camera = get_object_or_404(Camera.objects.select_related("recorder"), code=code)
    now = timezone.now()
    today = timezone.localdate(now)
    day = _day(request.GET["date"]) if request.GET.get("date") else today
    if day > today:
        raise Http404
    start, end = display_day_bounds(day)
    # Today's percentage counts the hours so far, not the ones still to come.
    cov = coverage(camera, start, min(end, now))
    context = {
        "camera": camera,
        "day": day,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1) if day < today else None,
        "coverage": cov,
        "outages": outages_overlapping(camera, start, end).select_related("recorder"),
        "holds": active_holds_overlapping(camera, start, end),
    }
    return render(request, "evidence/camera_detail.html", context)


@roles.role_required(*roles.STAFF_ROLES)
def camera_timeline(request, code, day):
    camera = get_object_or_404(Camera, code=code)
    start, end = display_day_bounds(_day(day))
    response = HttpResponse(timeline_svg(camera, start, end), content_type="image/svg+xml")
    # Opened on its own, the picture may run nothing: no scripts, no external loads.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, max-age=60"
    return response


@roles.role_required(*roles.STAFF_ROLES)
def health(request):
    now = timezone.now()
    start, _end = display_day_bounds(timezone.localdate(now))
    cameras = list(Camera.objects.select_related("recorder").order_by("recorder__code", "code"))
    percents = coverage_percent_by_camera(start, now)
    for camera in cameras:
        camera.today_percent = percents.get(camera.pk, 0.0)
    recent = (
        Outage.objects.filter(ended_at__gte=now - timedelta(days=7))
        .select_related("camera", "recorder")
        .order_by("-started_at")[:50]
    )
    context = {
        "cameras": cameras,
        "open_outages": Outage.objects.filter(ended_at__isnull=True).select_related(
            "camera", "recorder"
        ),
        "recent_outages": recent,
        "now": now,
    }
    return render(request, "evidence/health.html", context)
