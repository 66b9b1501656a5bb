"""Hostile text entered through the real forms and services shows, escaped, on every page where
it belongs, for every role that sees it; the SVG timeline, emails and JSON stay inert."""

import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.security.hostile import (
    FIR,
    HINDI,
    REQUEST_FIELDS,
    markup_problems,
    payload,
    short,
    shows_escaped,
)
from tests.security.pages import client_for, html_of

READERS = ["eve", "officer", "operator", "supervisor", "auditor"]
STAFF = ["officer", "officer_other", "operator", "supervisor", "auditor", "admin"]
REQUEST_TEXT = [
    payload(k) for k, v in REQUEST_FIELDS.items() if k not in ("fir_number", "complainant_phone")
]
CONTEXT_TEXT = [FIR, payload("station_name"), payload("camera_name"), payload("camera_location")]

# (request state, text that state adds): reasons, answers and the names of those who acted.
STATE_TEXT = {
    "awaiting": [],
    "needs_information": [
        payload("station_question"),
        payload("citizen_answer"),
        payload("control_room_question"),
        short("officer_first"),
        short("operator_first"),
    ],
    "under_review": [short("operator_first")],  # prepared by
    "rejected": [payload("reject_reason"), short("supervisor_first")],
    "unavailable": [payload("unavailable_reason")],
    "exporting": [short("supervisor_first")],
    "ready": [short("supervisor_first")],
}


def page(world, user, url):
    response = client_for(world, user).get(url)
    html = html_of(response)
    assert html is not None, f"{url} as {user}: {response.status_code}"
    return html


def assert_escaped(html, texts, where):
    missing = [t for t in texts if not shows_escaped(html, t)]
    assert not missing, f"{where} does not show, escaped: {missing}"
    assert HINDI in html
    assert not markup_problems(html, allow_tags={"svg"}), where


@pytest.mark.parametrize("state", sorted(STATE_TEXT))
def test_request_page_shows_every_free_text_escaped_to_each_reader(hostile_world, state):
    request = hostile_world["requests"][state]
    url = reverse("requests-detail", args=[request.reference])
    expected = REQUEST_TEXT + CONTEXT_TEXT + [short("user_name")] + STATE_TEXT[state]
    for user in READERS:
        assert_escaped(page(hostile_world, user, url), expected, f"{url} as {user}")


def test_station_filed_request_shows_the_officers_name_escaped(hostile_world):
    request = hostile_world["requests"]["station_filed"]
    url = reverse("requests-detail", args=[request.reference])
    for user in ["officer", "operator", "supervisor", "auditor"]:
        html = page(hostile_world, user, url)
        assert_escaped(html, REQUEST_TEXT + [short("officer_first")], f"{url} as {user}")


def test_lists_show_fir_and_station_escaped(hostile_world):
    for user, name in [
        ("eve", "requests-list"),
        ("officer", "requests-list"),
        ("officer", "requests-endorsements"),
        ("operator", "requests-queue"),
        ("auditor", "requests-list"),
    ]:
        html = page(hostile_world, user, reverse(name))
        assert shows_escaped(html, FIR) and shows_escaped(html, payload("station_name")), name
        assert not markup_problems(html), (user, name)
    html = page(hostile_world, "officer", reverse("requests-downloads"))
    assert shows_escaped(html, FIR)


def test_camera_pages_show_admin_entered_text_escaped(hostile_world):
    camera = hostile_world["hostile_camera"]
    detail = reverse("evidence-camera-detail", args=[camera.code])
    for user in STAFF:
        html = page(hostile_world, user, detail)
        expected = [
            payload("camera_name"),
            payload("camera_location"),
            short("camera_zone"),
            payload("recorder_name"),
            short("recorder_make"),
            short("recorder_serial"),
            payload("outage_reason"),
            FIR,  # in the reason of the request's preservation hold
        ]
        missing = [t for t in expected if not shows_escaped(html, t)]
        assert not missing, (user, missing)
        assert not markup_problems(html), user
        listing = page(hostile_world, user, reverse("evidence-camera-list"))
        assert shows_escaped(listing, payload("camera_name"))
        assert shows_escaped(listing, payload("camera_location"))
        health = page(hostile_world, user, reverse("evidence-health"))
        assert shows_escaped(health, payload("camera_name"))
        assert not markup_problems(listing) and not markup_problems(health), user


def test_filing_form_lists_hostile_camera_names_escaped(hostile_world):
    html = page(hostile_world, "eve", reverse("requests-new"))
    assert shows_escaped(html, payload("camera_name"))
    assert not markup_problems(html)


def test_audit_log_shows_details_escaped(hostile_world):
    for user in ("auditor", "admin"):
        html = page(hostile_world, user, reverse("portal-audit"))
        assert shows_escaped(html, payload("prepare_note"))
        assert shows_escaped(html, payload("reject_reason"))
        assert not markup_problems(html)


def test_reflected_form_input_is_escaped(hostile_world):
    """Pages that echo what was typed: the filing review step, a refused action, login and
    registration errors."""
    world = hostile_world
    evil = payload("typed")
    eve = world["eve_client"]
    now = timezone.localtime()
    review = eve.post(
        reverse("requests-new"),
        {
            "token": "not-a-uuid",
            "station": world["hostile_station"].pk,
            "fir_number": evil[:40],
            "fir_year": now.year,
            "fir_date": "2999-01-01",
            "complainant_name": evil,
            "incident_place": evil,
            "incident_description": evil,
            "purpose": evil,
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-camera": world["hostile_camera"].pk,
            "items-0-start": evil[:60],
            "items-0-end": "",
            "action": "review",
        },
    )
    refused = client_for(world, "officer").post(
        reverse("requests-transition", args=[world["requests"]["awaiting"].reference]),
        {"to": "rejected", "reason": evil + "x" * 2000},
    )
    assert refused.status_code == 400
    login = client_for(world, "anonymous").post(
        reverse("portal-login"), {"username": evil, "password": "x"}
    )
    register = client_for(world, "anonymous").post(
        reverse("portal-register"),
        {"full_name": evil, "email": evil, "mobile": evil[:16], "password1": "a", "password2": "b"},
    )
    for response in (review, refused, login, register):
        html = response.content.decode()
        assert shows_escaped(html, evil) or shows_escaped(html, evil[:60]), response.request
        assert not markup_problems(html, allow_tags={"svg"}), response.request["PATH_INFO"]


def test_timeline_svg_escapes_its_text(hostile_world):
    camera = hostile_world["hostile_camera"]
    day = timezone.localdate().isoformat()
    response = client_for(hostile_world, "operator").get(
        reverse("evidence-camera-timeline", args=[camera.code, day])
    )
    assert response["Content-Type"].startswith("image/svg+xml")
    # Escaped text keeps the document well-formed (our own output, so the stdlib parser).
    root = ET.fromstring(response.content)  # noqa: S314
    svg = "{http://www.w3.org/2000/svg}"
    tags = {element.tag.removeprefix(svg) for element in root.iter()}
    assert tags <= {"svg", "title", "text", "rect", "line", "g", "desc"}, tags
    for element in root.iter():
        assert not [a for a in element.attrib if a.lower().startswith("on")], element.attrib
    texts = [element.text or "" for element in root.iter() if element.tag == svg + "title"]
    assert any(payload("camera_name") in text for text in texts)


def test_status_emails_are_plain_text_with_the_reason_literally(
    hostile_world, django_capture_on_commit_callbacks
):
    from requests_app import services
    from requests_app.models import Status

    world = hostile_world
    request = world["requests"]["awaiting"]
    mail.outbox.clear()
    reason = payload("email_reason")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            request, Status.NEEDS_INFORMATION, actor=world["users"]["officer"], reason=reason
        )
    assert mail.outbox
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", None)
        assert "\n" not in message.subject and "\r" not in message.subject
        assert reason in message.body  # literally: plain text is never interpreted
        assert payload("station_name") in message.body
        assert "&lt;" not in message.body and "&amp;amp;" not in message.body


def test_registration_email_shows_the_name_literally(hostile_world):
    message = next(m for m in mail.outbox if "eve@example.com" in m.to)
    assert message.content_subtype == "plain"
    assert f"Hello {short('user_name')} {HINDI}," in message.body  # not HTML-escaped


def test_outage_alert_subject_is_one_literal_line(
    cast, settings, django_capture_on_commit_callbacks
):
    from evidence.models import Camera, Recorder
    from evidence.services.watchdog import check_recording_health

    settings.CONTROL_ROOM_EMAILS = ["iccc-duty@city.example"]
    recorder = Recorder.objects.create(code="nvr-x", name="NVR")
    name = 'Gate <b> & "Main"\nBcc: someone@evil.example'
    Camera.objects.create(code="cam-evil", name=name, recorder=recorder)
    with django_capture_on_commit_callbacks(execute=True):
        check_recording_health(now=timezone.now())
    assert len(mail.outbox) == 1, "the alert was not sent"
    message = mail.outbox[0]
    assert (
        message.subject
        == 'Recording outage: cam-evil — Gate <b> & "Main" Bcc: someone@evil.example'
    )
    message.message()  # the headers serialize (a newline would raise BadHeaderError)
    assert "someone@evil.example" not in message.recipients()


def test_camera_picker_answers_json_never_html(hostile_world):
    response = client_for(hostile_world, "eve").get(
        reverse("evidence-camera-picker"), {"q": "cam-hostile"}
    )
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    names = [camera["name"] for camera in response.json()["cameras"]]
    assert payload("camera_name") in names
