from datetime import timedelta

import pytest
from django.urls import reverse

from evidence.models import Camera, PreservationHold
from portal.models import AuditEntry

from .conftest import T0


@pytest.mark.parametrize("model", ["recorder", "camera", "segment", "preservationhold", "outage"])
def test_admin_lists_open(cast, client_for, camera, model):
    response = client_for(cast["admin"]).get(reverse(f"admin:evidence_{model}_changelist"))
    assert response.status_code == 200


def test_a_camera_added_in_the_admin_is_audited(cast, client_for, recorder):
    response = client_for(cast["admin"]).post(
        reverse("admin:evidence_camera_add"),
        {
            "code": "cam-new",
            "name": "New Market gate",
            "location_description": "New Market, TT Nagar",
            "zone": "Central",
            "recorder": recorder.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    camera = Camera.objects.get(code="cam-new")
    event = AuditEntry.objects.get(action="evidence.camera.created")
    assert event.object_id == str(camera.pk) and event.actor == cast["admin"]


def test_segments_cannot_be_edited_in_the_admin(cast, client_for):
    assert client_for(cast["admin"]).get(reverse("admin:evidence_segment_add")).status_code == 403


def test_a_hold_placed_and_released_in_the_admin_is_audited(cast, client_for, camera):
    client = client_for(cast["admin"])
    start = T0.astimezone()
    response = client.post(
        reverse("admin:evidence_preservationhold_add"),
        {
            "camera": camera.pk,
            "start_0": start.strftime("%Y-%m-%d"),
            "start_1": start.strftime("%H:%M:%S"),
            "end_0": start.strftime("%Y-%m-%d"),
            "end_1": (start + timedelta(minutes=30)).strftime("%H:%M:%S"),
            "reason": "Court order 55/2026",
            "linked_label": "Letter from SHO Kotwali",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hold = PreservationHold.objects.get()
    assert hold.created_by == cast["admin"] and hold.end - hold.start == timedelta(minutes=30)
    client.post(
        reverse("admin:evidence_preservationhold_changelist"),
        {"action": "release", "_selected_action": [hold.pk]},
    )
    hold.refresh_from_db()
    assert hold.released_by == cast["admin"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"evidence.hold.placed", "evidence.hold.released"} <= actions
