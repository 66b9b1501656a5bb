"""Who may see export jobs and download their files; every download and refusal is logged."""

import pytest
from django.urls import reverse

from evidence.models import ExportFile, ExportJob
from evidence.services import exports
from portal.models import AuditEntry

from .export_support import *  # noqa: F403 (fixtures)
from .export_support import run_direct

pytestmark = pytest.mark.slow


def download_url(job, kind):
    return reverse("evidence-export-download", args=[job.files.get(kind=kind).token])


def body(response):
    return b"".join(response.streaming_content)


def test_station_officer_with_the_grant_downloads_and_it_is_logged(done_job, cast, client_for):
    exports.grant_download(job=done_job, user=cast["officer"])
    client = client_for(cast["officer"])
    response = client.get(download_url(done_job, ExportFile.Kind.WORKING), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    working = done_job.files.get(kind=ExportFile.Kind.WORKING)
    from evidence import hashing

    assert hashing.sha256_bytes(body(response)) == working.sha256
    assert "attachment" in response["Content-Disposition"]
    assert "FR-2026-000123-cam-mg-road-working.mp4" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="evidence.export.downloaded")
    assert entry.actor == cast["officer"]
    assert entry.ip == "10.1.2.3"
    assert entry.object_id == str(done_job.pk)
    assert entry.details["file"] == "working" and entry.details["sha256"] == working.sha256


@pytest.mark.parametrize("name", ["officer_other", "citizen", "auditor", "admin", "officer"])
def test_others_get_404_and_the_attempt_is_logged(done_job, cast, client_for, name):
    for kind in ExportFile.Kind.values:
        response = client_for(cast[name]).get(download_url(done_job, kind))
        assert response.status_code == 404, kind
    denied = AuditEntry.objects.filter(action="portal.access.denied", actor=cast[name])
    assert denied.count() == 3
    assert not AuditEntry.objects.filter(action="evidence.export.downloaded").exists()


@pytest.mark.parametrize("name", ["operator", "supervisor"])
def test_control_room_downloads_without_a_grant(done_job, cast, client_for, name):
    response = client_for(cast[name]).get(download_url(done_job, ExportFile.Kind.CERTIFICATE))
    assert response.status_code == 200
    assert body(response).startswith(b"%PDF-")


def test_anonymous_is_sent_to_login(done_job, client):
    response = client.get(download_url(done_job, ExportFile.Kind.MASTER))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_file_token_is_404(db, cast, client_for):
    url = reverse("evidence-export-download", args=["0" * 32])
    assert client_for(cast["operator"]).get(url).status_code == 404


def test_job_list_is_for_the_control_room_only(done_job, cast, client_for):
    url = reverse("evidence-export-list")
    response = client_for(cast["operator"]).get(url)
    assert response.status_code == 200
    assert done_job.reference in response.content.decode()
    for name in ("officer", "citizen", "auditor"):
        assert client_for(cast[name]).get(url).status_code == 403


def test_job_detail_for_granted_officer_not_for_stranger(done_job, cast, client_for):
    exports.grant_download(job=done_job, user=cast["officer"])
    url = reverse("evidence-export-detail", args=[done_job.token])
    page = client_for(cast["officer"]).get(url).content.decode()
    master = done_job.files.get(kind="master")
    assert master.sha256 in page and download_url(done_job, "master") in page
    assert "Retry" not in page
    assert client_for(cast["officer_other"]).get(url).status_code == 404
    assert AuditEntry.objects.filter(
        action="portal.access.denied", actor=cast["officer_other"]
    ).exists()


def test_operator_retries_a_failed_job_from_the_detail_page(footage, cast, client_for, settings):
    from .export_support import new_job

    settings.EXPORT_MIN_FREE_BYTES = 10**15
    job = run_direct(new_job(footage[0].camera, 3, 9.5))
    client = client_for(cast["operator"])
    url = reverse("evidence-export-detail", args=[job.token])
    page = client.get(url).content.decode()
    assert "Not enough free disk space" in page and "Retry" in page
    retry_url = reverse("evidence-export-retry", args=[job.token])
    assert client_for(cast["officer"]).post(retry_url).status_code == 403
    response = client.post(retry_url)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED
    assert client.post(retry_url).status_code == 302  # not failed any more: a message, no 500
