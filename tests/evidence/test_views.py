from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.models import Outage, Segment
from evidence.services.timeline import timeline_svg
from portal.models import AuditEntry

STAFF = ["officer", "operator", "supervisor", "auditor", "admin"]


@pytest.fixture
def evil_camera(make_camera):
    return make_camera(
        "cam-x",
        name='<script>alert("x")</script> & Co',
        location_description="Near <b>New Market</b>, TT Nagar",
        zone="South",
    )


def today_bounds():
    now = timezone.localtime()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, now


def staff_urls(camera):
    day = timezone.localdate().isoformat()
    return [
        reverse("evidence-camera-list"),
        reverse("evidence-camera-detail", args=[camera.code]),
        reverse("evidence-camera-timeline", args=[camera.code, day]),
        reverse("evidence-health"),
    ]


@pytest.mark.parametrize("who", STAFF)
def test_staff_see_the_camera_pages(cast, client_for, camera, who):
    client = client_for(cast[who])
    for url in staff_urls(camera):
        assert client.get(url).status_code == 200, url


def test_citizens_are_refused_the_camera_pages_and_it_is_logged(cast, client_for, camera):
    client = client_for(cast["citizen"])
    for url in staff_urls(camera):
        assert client.get(url).status_code == 403, url
    assert AuditEntry.objects.filter(action="portal.access.denied").count() == 4


def test_anonymous_visitors_are_sent_to_log_in(client, camera):
    for url in [*staff_urls(camera), reverse("evidence-camera-picker")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("portal-login"))


def test_unknown_camera_and_bad_day_are_404(cast, client_for, camera):
    client = client_for(cast["operator"])
    assert client.get(reverse("evidence-camera-detail", args=["nope"])).status_code == 404
    url = reverse("evidence-camera-timeline", args=[camera.code, "2026-13-45"])
    assert client.get(url).status_code == 404


def test_camera_list_search(cast, client_for, camera, make_camera):
    make_camera("cam-b", name="Bittan Market", zone="South")
    page = client_for(cast["operator"]).get(reverse("evidence-camera-list"), {"q": "church"})
    body = page.content.decode()
    assert "cam-a" in body and "cam-b" not in body


@pytest.mark.parametrize("who", ["citizen", "officer", "operator"])
def test_picker_returns_matching_active_cameras_as_json(cast, client_for, make_camera, who):
    make_camera("cam-1", name="Jumerati Gate", location_description="Old City", zone="North")
    make_camera("cam-2", name="MP Nagar Square", location_description="Zone-I", zone="South")
    make_camera("cam-3", name="Old City gate (removed)", zone="North", active=False)
    response = client_for(cast[who]).get(reverse("evidence-camera-picker"), {"q": "old city"})
    assert response.status_code == 200
    cameras = response.json()["cameras"]
    assert [c["code"] for c in cameras] == ["cam-1"]
    assert set(cameras[0]) == {"id", "code", "name", "location", "zone"}
    assert cameras[0]["location"] == "Old City"
    by_zone = client_for(cast[who]).get(reverse("evidence-camera-picker"), {"q": "south"})
    assert [c["code"] for c in by_zone.json()["cameras"]] == ["cam-2"]


def test_timeline_is_svg_with_escaped_text(cast, client_for, evil_camera):
    start, now = today_bounds()
    Segment.objects.create(
        camera=evil_camera, start=start, end=start + timedelta(minutes=30), path="x/1.mp4"
    )
    Outage.objects.create(
        camera=evil_camera,
        started_at=start + timedelta(minutes=30),
        ended_at=start + timedelta(minutes=40),
        reason="<img src=x onerror=alert(1)>",
    )
    url = reverse("evidence-camera-timeline", args=[evil_camera.code, start.date().isoformat()])
    response = client_for(cast["operator"]).get(url)
    assert response["Content-Type"].startswith("image/svg+xml")
    body = response.content.decode()
    assert "<script>" not in body and "<img" not in body and "<b>" not in body
    assert "&lt;script&gt;" in body and "&lt;img src=x" in body
    root = ElementTree.fromstring(body)  # noqa: S314 (our own output: must be well-formed)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    colours = {rect.get("fill") for rect in root.iter("{http://www.w3.org/2000/svg}rect")}
    assert {"#2da44e", "#f4c7c3", "#cf222e"} <= colours


def test_timeline_svg_marks_the_future_part_of_the_window(camera):
    now = timezone.now()
    svg = timeline_svg(camera, now - timedelta(hours=1), now + timedelta(hours=1), now=now)
    assert "Not yet recorded" in svg and "0.0% recorded" in svg


def test_camera_detail_shows_coverage_gaps_and_outages(cast, client_for, camera):
    start, _now = today_bounds()
    Segment.objects.create(camera=camera, start=start, end=start + timedelta(minutes=5), path="1")
    Outage.objects.create(
        camera=camera, started_at=start + timedelta(minutes=5), reason="UPS failure"
    )
    page = client_for(cast["operator"]).get(reverse("evidence-camera-detail", args=["cam-a"]))
    body = page.content.decode()
    assert "UPS failure" in body and "ongoing" in body
    assert "1 gap" in body
    assert reverse("evidence-camera-timeline", args=["cam-a", start.date().isoformat()]) in body


def test_health_page_lists_every_camera_with_todays_coverage(cast, client_for, make_camera):
    start, now = today_bounds()
    if now - start < timedelta(minutes=10):
        pytest.skip("too close to midnight in the display time zone")
    full = make_camera("cam-full")
    make_camera("cam-none")
    Segment.objects.create(camera=full, start=start, end=now, path="full/1.mp4")
    full.last_segment_end = now
    full.save()
    page = client_for(cast["supervisor"]).get(reverse("evidence-health"))
    body = page.content.decode()
    assert "cam-full" in body and "cam-none" in body
    assert "100.0%" in body and "0.0%" in body


def test_timeline_svg_reuses_a_coverage_it_is_given(camera, django_assert_num_queries):
    from evidence.services.coverage import coverage

    now = timezone.now()
    start, end = now - timedelta(hours=2), now - timedelta(hours=1)
    Segment.objects.create(
        camera=camera, start=start, end=start + timedelta(minutes=30), path="cam/a.mp4"
    )
    cov = coverage(camera, start, end)
    with django_assert_num_queries(1):  # the outages only; the segments come with `cov`
        svg = timeline_svg(camera, start, end, now=now, cov=cov)
    assert svg == timeline_svg(camera, start, end, now=now)
