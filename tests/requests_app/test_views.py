"""The filing form (with and without script), the availability endpoint, the detail page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.models import Outage, PreservationHold
from portal.models import AuditEntry
from requests_app.models import FootageRequest
from requests_app.models import Status as S

FORMAT = "%Y-%m-%dT%H:%M"


def _local(moment):
    return timezone.localtime(moment).strftime(FORMAT)


@pytest.fixture
def form_data(station, camera):
    now = timezone.now()
    return {
        "token": "6f1c1f46-9f3e-4f0e-8d1b-0c2b2a0e6a11",
        "station": station.pk,
        "fir_number": "456",
        "fir_year": now.year,
        "fir_date": f"{now.year}-01-02",
        "complainant_name": "Asha Verma",
        "complainant_phone": "9876543210",
        "complainant_address": "",
        "incident_place": "Auto-rickshaw near the market gate",
        "incident_description": "Phone stolen",
        "purpose": "Identify the auto-rickshaw",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "10",
        "items-0-camera": camera.pk,
        "items-0-start": _local(now - timedelta(hours=2)),
        "items-0-end": _local(now - timedelta(hours=1)),
    }


def test_the_form_files_a_request_with_holds(cast, client_for, form_data):
    client = client_for(cast["citizen"])
    response = client.post(reverse("requests-new"), {**form_data, "action": "file"})
    request = FootageRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("requests-detail", args=[request.reference])
    assert request.status == S.AWAITING_ENDORSEMENT
    assert PreservationHold.objects.filter(released_at__isnull=True).count() == 1
    page = client.get(response.url).content.decode()
    assert request.reference in page and "held" in page


def test_a_double_submit_files_one_request(cast, client_for, form_data):
    client = client_for(cast["citizen"])
    first = client.post(reverse("requests-new"), {**form_data, "action": "file"})
    second = client.post(reverse("requests-new"), {**form_data, "action": "file"})
    assert FootageRequest.objects.count() == 1
    assert first.url == second.url


def test_errors_are_shown_next_to_the_fields_and_input_is_kept(cast, client_for, form_data):
    future = _local(timezone.now() + timedelta(hours=1))
    data = {
        **form_data,
        "fir_number": "ABC<script>",
        "items-0-end": future,
        "purpose": "Find the thief",
        "action": "file",
    }
    response = client_for(cast["citizen"]).post(reverse("requests-new"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert not FootageRequest.objects.exists()
    assert "This is not an FIR number of Central PS." in page
    assert "The window cannot end in the future." in page
    assert 'value="ABC&lt;script&gt;"' in page
    assert 'value="Find the thief"' in page
    assert f'value="{future}"' in page


def test_a_window_too_long_is_refused_next_to_the_field(cast, client_for, form_data):
    now = timezone.now()
    data = {
        **form_data,
        "items-0-start": _local(now - timedelta(hours=4)),
        "items-0-end": _local(now - timedelta(hours=1)),
        "action": "file",
    }
    page = client_for(cast["citizen"]).post(reverse("requests-new"), data).content.decode()
    assert "One item may cover at most 120 minutes." in page


def test_add_item_without_script_keeps_the_input(cast, client_for, form_data):
    data = {**form_data, "purpose": "", "action": "add"}
    page = client_for(cast["citizen"]).post(reverse("requests-new"), data).content.decode()
    assert 'name="items-TOTAL_FORMS" value="2"' in page
    assert 'name="items-1-camera"' in page
    assert form_data["items-0-start"] in page
    assert 'value="Auto-rickshaw near the market gate"' in page
    assert "This field is required." not in page  # adding a row is not submitting


def test_the_review_step_shows_availability_without_script(
    cast, client_for, form_data, camera, add_segments
):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    add_segments(camera, start, 30)
    data = {
        **form_data,
        "items-0-start": _local(start),
        "items-0-end": _local(start + timedelta(hours=1)),
        "action": "review",
    }
    page = client_for(cast["citizen"]).post(reverse("requests-new"), data).content.decode()
    assert "Partly recorded" in page and "50.0%" in page
    assert not FootageRequest.objects.exists()


def test_an_officer_files_for_the_own_station_only(cast, client_for, form_data, other_station):
    data = {**form_data, "station": other_station.pk, "action": "file"}
    response = client_for(cast["officer"]).post(reverse("requests-new"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not FootageRequest.objects.exists()


# --- the availability endpoint ------------------------------------------------------------


def _availability(client, camera, start, end):
    return client.get(
        reverse("requests-availability"),
        {"camera": camera.pk, "start": _local(start), "end": _local(end)},
    )


@pytest.fixture
def window():
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    return start, start + timedelta(hours=1)


def test_availability_covered(cast, client_for, camera, add_segments, window):
    add_segments(camera, window[0], 60)
    data = _availability(client_for(cast["citizen"]), camera, *window).json()
    assert data["status"] == "covered" and data["percent"] == 100.0


def test_availability_partial_with_gaps(cast, client_for, camera, add_segments, window):
    add_segments(camera, window[0], 20)
    add_segments(camera, window[0] + timedelta(minutes=40), 20)
    data = _availability(client_for(cast["citizen"]), camera, *window).json()
    assert data["status"] == "partial"
    assert len(data["gaps"]) == 1


def test_availability_outage(cast, client_for, camera, window):
    Outage.objects.create(camera=camera, started_at=window[0] - timedelta(hours=1))
    data = _availability(client_for(cast["officer"]), camera, *window).json()
    assert data["status"] == "outage"
    assert "not recording" in data["message"]


def test_availability_expired(cast, client_for, camera, settings):
    start = timezone.now() - timedelta(days=settings.RETENTION_DAYS + 2)
    data = _availability(
        client_for(cast["operator"]), camera, start, start + timedelta(hours=1)
    ).json()
    assert data["status"] == "expired"


def test_availability_rejects_bad_input_with_messages(cast, client_for, camera):
    now = timezone.now()
    response = _availability(
        client_for(cast["citizen"]), camera, now + timedelta(hours=1), now + timedelta(hours=2)
    )
    assert response.status_code == 400
    assert "future" in response.json()["errors"]["start"][0]
    response = client_for(cast["citizen"]).get(
        reverse("requests-availability"), {"camera": "x", "start": "soon"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"camera", "start", "end"}


# --- the detail page's actions ------------------------------------------------------------


def test_a_missing_reason_is_shown_next_to_the_field_and_nothing_changes(
    cast, client_for, file_for
):
    request = file_for(cast["citizen"])
    client = client_for(cast["officer"])
    url = reverse("requests-transition", args=[request.reference])
    response = client.post(url, {"to": S.REJECTED, "reason": "   "})
    assert response.status_code == 400
    assert "Give a reason." in response.content.decode()
    request.refresh_from_db()
    assert request.status == S.AWAITING_ENDORSEMENT


def test_the_detail_page_offers_the_actors_steps_and_they_work(cast, client_for, file_for):
    request = file_for(cast["citizen"])
    client = client_for(cast["officer"])
    page = client.get(reverse("requests-detail", args=[request.reference])).content.decode()
    assert "Endorse and send to the control room" in page
    assert "Withdraw the request" not in page
    client.post(reverse("requests-transition", args=[request.reference]), {"to": S.UNDER_REVIEW})
    request.refresh_from_db()
    assert request.status == S.UNDER_REVIEW
    assert AuditEntry.objects.filter(action="requests.request.under_review").exists()


def test_an_unknown_action_is_a_message_not_an_error(cast, client_for, file_for):
    request = file_for(cast["citizen"])
    url = reverse("requests-transition", args=[request.reference])
    response = client_for(cast["citizen"]).post(url, {"to": "teleported"})
    assert response.status_code == 400
    assert "Unknown action." in response.content.decode()


def test_the_tracking_page_shows_the_timeline(cast, client_for, file_for):
    request = file_for(cast["citizen"])
    page = client_for(cast["citizen"]).get(reverse("requests-detail", args=[request.reference]))
    text = page.content.decode()
    assert "Submitted" in text and "Awaiting station endorsement" in text


def test_the_control_room_sees_coverage_of_each_item(
    cast, client_for, file_for, camera, add_segments, now
):
    start = now - timedelta(hours=2)
    add_segments(camera, start, 30)
    request = file_for(cast["citizen"], items=[(camera, start, start + timedelta(hours=1))])
    page = client_for(cast["operator"]).get(reverse("requests-detail", args=[request.reference]))
    text = page.content.decode()
    assert "Coverage now" in text and "50.0 %" in text
    assert "<svg" in text and "50.0% recorded" in text  # the item's coverage timeline
    citizen_page = client_for(cast["citizen"]).get(
        reverse("requests-detail", args=[request.reference])
    )
    assert "Coverage now" not in citizen_page.content.decode()
    assert "<svg" not in citizen_page.content.decode()


@pytest.mark.parametrize("who", ["citizen", "officer", "operator", "supervisor", "auditor"])
def test_dashboards_link_the_request_lists(cast, client_for, who):
    page = client_for(cast[who]).get(reverse("portal-dashboard")).content.decode()
    assert reverse("requests-list") in page


def test_an_empty_answer_keeps_the_page_and_the_typed_text_elsewhere(
    cast, client_for, file_for, now
):
    from .conftest import set_status

    request = file_for(cast["citizen"])
    set_status(request, S.NEEDS_INFORMATION, paused_at=now, paused_from=S.UNDER_REVIEW)
    client = client_for(cast["citizen"])
    url = reverse("requests-transition", args=[request.reference])
    page = client.get(reverse("requests-detail", args=[request.reference])).content.decode()
    assert "Your answer" in page and "Send the answer" in page
    response = client.post(url, {"to": S.UNDER_REVIEW, "reason": ""})
    assert response.status_code == 400
    assert response.content.decode().count("Write your answer.") == 1
    operator_page = client_for(cast["operator"]).post(
        url, {"to": S.FOOTAGE_UNAVAILABLE, "reason": "", "extra": "x"}
    )
    text = operator_page.content.decode()
    assert "Give a reason." in text and "Your answer" not in text
