"""The whole footage journey in a real browser, on a real Celery worker, Redis and PostgreSQL.

A citizen registers and files a request for a theft in an auto-rickshaw with two cameras; the
station endorses; an operator prepares; a supervisor approves; the worker exports both items;
the station officer downloads the working copy and the certificate; the public verification
page says the file matches and the certificate's signature is valid.

Only the set-up (stations, staff, cameras, footage) is code; every step of the workflow goes
through the pages, as users meet them.
"""

import hashlib
import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from evidence.footage import generate_segments
from evidence.models import Camera, ExportFile, ExportJob, Recorder
from evidence.services import ingest
from portal import roles
from requests_app.models import FootageRequest
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services, pytest.mark.slow]

CITIZEN_EMAIL = "asha@example.com"
CITIZEN_PASSWORD = "a-long-enough-secret"


def local_input(moment):
    """The value a datetime-local input holds for `moment`, in the display time zone
    (Chrome drops ":00" seconds, and Playwright checks the value it typed)."""
    text = timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")
    return text[:-3] if text.endswith(":00") else text


@pytest.fixture
def footage_world(make_user, station):
    """Staff of the FIR's station and the control room, and two cameras with real footage."""
    recorder = Recorder.objects.create(
        code="nvr-east", name="East NVR", make="Hikvision", model="DS-7732", serial_number="E1"
    )
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    cameras = []
    for code, name in (("cam-auto-stand", "Auto stand"), ("cam-market-gate", "Market gate")):
        cameras.append(Camera.objects.create(code=code, name=name, recorder=recorder))
        generate_segments(
            settings.RECORDINGS_ROOT, code, start, 8, segment_seconds=4, size="320x180", fps=10
        )
    ingest.ingest_recordings(settle_seconds=0)
    return {
        "officer": make_user("bob", roles.STATION_OFFICER, station=station),
        "operator": make_user("olga", roles.OPERATOR),
        "supervisor": make_user("sam", roles.SUPERVISOR),
        "station": station,
        "cameras": cameras,
        "start": start,
    }


def file_item(page, number, camera, start, end):
    page.select_option(f"#id_items-{number}-camera", str(camera.pk))
    page.fill(f"#id_items-{number}-start", local_input(start))
    page.fill(f"#id_items-{number}-end", local_input(end))
    # The form's script asks the server whether footage exists, while the user types.
    answer = page.locator("[data-availability]").nth(number)
    answer.locator(".status-ok").wait_for()
    assert "Footage exists" in answer.inner_text()


def open_from_menu(journey, menu, reference):
    """Follow a menu entry, then the request's link on that list, as a user would."""
    page = journey.page
    page.locator("header nav").get_by_role("link", name=menu, exact=True).click()
    page.wait_for_load_state()
    page.locator("main").get_by_role("link", name=reference).click()
    page.wait_for_url(f"**/requests/{reference}/")
    return page


def act(page, button):
    page.click(f"main button:has-text('{button}')")
    page.wait_for_load_state()
    return page


def wait_until_ready(journey, reference, timeout=90):
    """Reload the tracking page until the request is ready (both exports done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = journey.go(f"/requests/{reference}/")
        status = page.inner_text("main p .status")
        if status == "Ready for download":
            return page
        failed = ExportJob.objects.filter(status=ExportJob.Status.FAILED).first()
        assert failed is None, failed.error
        time.sleep(1)
    pytest.fail(f"request {reference} not ready after {timeout}s (last: {status})")


def download(journey, row, kind, folder):
    page = journey.page
    with page.expect_download() as info:
        row.get_by_role("link", name=kind).click()
    file = info.value
    path = folder / file.suggested_filename
    file.save_as(path)
    assert path.stat().st_size > 0
    return path


def test_citizen_to_verified_export(celery_worker, footage_world, journey):
    world = footage_world
    first, second = world["cameras"]
    t0 = world["start"]
    officer = world["officer"]

    # The citizen registers, confirms the email and logs in.
    page = journey.go("/accounts/register/")
    page.fill("#id_full_name", "Asha Verma")
    page.fill("#id_email", CITIZEN_EMAIL)
    page.fill("#id_mobile", "9876543210")
    page.fill("#id_password1", CITIZEN_PASSWORD)
    page.fill("#id_password2", CITIZEN_PASSWORD)
    journey.shot("citizen registers")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/accounts/register/done/")
    confirm = re.search(r"/accounts/confirm/\S+/", mail.outbox[-1].body).group(0)
    journey.go(confirm)
    journey.login(CITIZEN_EMAIL, CITIZEN_PASSWORD)
    journey.shot("citizen dashboard")

    # She files the request for two cameras and sees the availability answer on the form.
    page = journey.go("/requests/new/")
    page.select_option("#id_station", str(world["station"].pk))
    page.fill("#id_fir_number", "214")
    today = timezone.localdate()
    page.fill("#id_fir_year", str(today.year))
    page.fill("#id_fir_date", today.isoformat())
    page.fill("#id_complainant_name", "Asha Verma")
    page.fill("#id_complainant_phone", "9876543210")
    page.fill("#id_incident_place", "Auto-rickshaw from the auto stand to the market gate")
    page.fill("#id_incident_description", "My phone was stolen from my bag in an auto-rickshaw.")
    page.fill("#id_purpose", "Identify the auto-rickshaw and its driver")
    file_item(page, 0, first, t0 + timedelta(seconds=1), t0 + timedelta(seconds=6))
    page.click("button[data-add-item]")
    file_item(page, 1, second, t0 + timedelta(seconds=2), t0 + timedelta(seconds=7))
    journey.shot("request form with availability")
    page.click("button[name=action][value=file]")
    page.wait_for_url("**/requests/FR-*/")
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert "Awaiting station endorsement" in page.inner_text("main p .status")
    journey.shot("tracking page awaiting endorsement")
    journey.logout()

    # The station officer endorses.
    journey.login(officer.username, PASSWORD)
    page = open_from_menu(journey, "Endorsements", reference)
    journey.shot("officer opens the request to endorse")
    page = act(page, "Endorse and send to the control room")
    assert "Under control-room review" in page.inner_text("main p .status")
    journey.shot("officer endorsed")
    journey.logout()

    # The operator reviews and prepares; approving is not theirs to do.
    journey.login(world["operator"].username, PASSWORD)
    page = open_from_menu(journey, "Review queue", reference)
    page = act(page, "Mark as reviewed and prepared by me")
    assert "You prepared this request" in page.inner_text("main")
    assert page.locator("main button:has-text('Approve')").count() == 0
    journey.shot("operator prepared")
    journey.logout()

    # The supervisor approves; the jobs run on the worker; the request becomes ready.
    journey.login(world["supervisor"].username, PASSWORD)
    page = open_from_menu(journey, "Review queue", reference)
    page = act(page, "Approve and start the exports")
    # The message, not the badge: a fast worker may finish before this page is drawn.
    assert "The request is now: Exporting" in page.inner_text("main")
    journey.shot("supervisor approved")
    page = wait_until_ready(journey, reference)
    journey.shot("request ready")
    journey.logout()

    # The station officer downloads the first item's working copy and certificate.
    journey.login(officer.username, PASSWORD)
    page.locator("header nav").get_by_role("link", name="Downloads", exact=True).click()
    page.wait_for_load_state()
    journey.shot("officer downloads page")
    folder = journey.folder / "downloads"  # kept with the screenshots
    row = page.locator("main li", has_text=first.code)
    working = download(journey, row, "Working copy", folder)
    certificate = download(journey, row, "Certificate", folder)
    assert working.suffix == ".mp4" and certificate.suffix == ".pdf"
    assert certificate.read_bytes().startswith(b"%PDF-")
    page = journey.go(f"/requests/{reference}/")
    assert "Delivered" in page.inner_text("main p .status")
    journey.shot("officer downloaded")
    journey.logout()

    # The citizen's tracking page follows; footage is for the police, not for her to download.
    journey.login(CITIZEN_EMAIL, CITIZEN_PASSWORD)
    page = open_from_menu(journey, "My requests", reference)
    assert "Delivered" in page.inner_text("main p .status")
    assert page.locator("main a[href*='/exports/files/']").count() == 0
    journey.shot("citizen tracking page delivered")
    journey.logout()

    # Anyone can check the files on the public verification page.
    page = journey.go("/verify/")
    with page.expect_navigation():  # the page's script hashes the file and sends the form
        page.set_input_files("#verify-file", str(working))
    result = page.inner_text("#hash-result")
    assert "Match: this file is an issued export." in result
    assert first.code in result
    # The hash the browser computed is the file's, and it is the one the export issued.
    digest = hashlib.sha256(working.read_bytes()).hexdigest()
    assert page.input_value("#id_sha256") == digest
    assert ExportFile.objects.get(kind="working", job__camera=first).sha256 == digest
    journey.shot("verify working copy")

    # One changed byte, and it is no longer the exported file.
    altered = working.with_name("altered-" + working.name)
    data = bytearray(working.read_bytes())
    data[len(data) // 2] ^= 0xFF
    altered.write_bytes(bytes(data))
    with page.expect_navigation():
        page.set_input_files("#verify-file", str(altered))
    assert "No match" in page.inner_text("#hash-result")
    journey.shot("verify altered copy")

    page.set_input_files("#id_certificate", str(certificate))
    with page.expect_navigation():
        page.click("button:has-text('Check certificate')")
    result = page.inner_text("#certificate-result")
    assert "The certificate is signed by this portal and was issued here." in result
    assert "The signature is valid." in result
    assert f"working: {digest} — issued" in result
    journey.shot("verify certificate")

    # Four eyes: filed, endorsed, prepared and approved by four different people.
    request = FootageRequest.objects.get(reference=reference)
    people = [request.filed_by, request.endorsed_by, request.prepared_by, request.approved_by]
    assert people[1:] == [officer, world["operator"], world["supervisor"]]
    assert len({p.pk for p in people}) == 4
