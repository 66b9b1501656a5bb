"""Whatever is typed or tampered with, the request pages answer with a message, never a 500."""

import pytest
from django.urls import reverse

BAD = [
    "",
    "abc",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-13-45T99:99",
    "2026-02-30",
    "-1",
    "1e309",
    "<script>",
    "x" * 5000,
]
FIELDS = [
    "token",
    "station",
    "fir_number",
    "fir_year",
    "fir_date",
    "complainant_name",
    "complainant_phone",
    "incident_place",
    "incident_description",
    "purpose",
    "items-TOTAL_FORMS",
    "items-0-camera",
    "items-0-start",
    "items-0-end",
]


@pytest.fixture
def valid(station, camera):
    return {
        "token": "6f1c1f46-9f3e-4f0e-8d1b-0c2b2a0e6a11",
        "station": station.pk,
        "fir_number": "1",
        "fir_year": "2026",
        "fir_date": "2026-01-01",
        "complainant_name": "A",
        "complainant_phone": "9876543210",
        "incident_place": "x",
        "incident_description": "x",
        "purpose": "x",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "10",
        "items-0-camera": camera.pk,
        "items-0-start": "2026-01-01T10:00",
        "items-0-end": "2026-01-01T11:00",
    }


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize("action", ["file", "review", "add"])
def test_the_filing_form_survives_any_value(cast, client_for, valid, value, action):
    client = client_for(cast["citizen"])
    everything_bad = {**dict.fromkeys(FIELDS, value), "action": action}
    assert client.post(reverse("requests-new"), everything_bad).status_code == 200
    for field in FIELDS:
        response = client.post(reverse("requests-new"), {**valid, field: value, "action": action})
        assert response.status_code in (200, 302), field


@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01T06:00", "0001-01-01T07:00"), ("1900-01-01T00:00", "1900-01-01T01:00")],
)
def test_ancient_windows_are_refused_with_a_message(cast, client_for, camera, valid, start, end):
    client = client_for(cast["citizen"])
    query = {"camera": camera.pk, "start": start, "end": end}
    response = client.get(reverse("requests-availability"), query)
    assert response.status_code == 400
    assert "2000" in response.json()["errors"]["start"][0]
    page = client.post(
        reverse("requests-new"),
        {**valid, "items-0-start": start, "items-0-end": end, "action": "file"},
    )
    assert "Enter a time after the year 2000." in page.content.decode()


@pytest.mark.parametrize("value", BAD)
def test_lists_and_availability_survive_any_value(cast, client_for, camera, value):
    params = dict.fromkeys(["status", "station", "camera", "due_before", "q", "page"], value)
    for who in ("operator", "citizen"):
        client = client_for(cast[who])
        assert client.get(reverse("requests-list"), params).status_code == 200
        for start, end in ((value, value), (value, "2026-01-01T00:00")):
            query = {"camera": camera.pk, "start": start, "end": end}
            response = client.get(reverse("requests-availability"), query)
            assert response.status_code in (200, 400)


@pytest.mark.parametrize("value", BAD)
def test_the_status_form_survives_any_value(cast, client_for, file_for, value):
    request = file_for(cast["citizen"])
    url = reverse("requests-transition", args=[request.reference])
    response = client_for(cast["officer"]).post(url, {"to": value, "reason": value})
    assert response.status_code == 400
