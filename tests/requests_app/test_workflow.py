"""Four eyes, the paused clock, approval handing over to exports, ready and delivered."""

from datetime import timedelta

import pytest

from evidence.models import ExportJob
from evidence.services import exports
from evidence.signals import export_job_changed
from portal import roles
from requests_app import services
from requests_app.models import Status as S


@pytest.fixture
def in_review(cast, file_for):
    request = file_for(cast["citizen"])
    return services.transition(request, S.UNDER_REVIEW, actor=cast["officer"])


def test_a_supervisor_who_prepared_cannot_approve(cast, in_review):
    services.mark_prepared(request=in_review, actor=cast["supervisor"])
    with pytest.raises(services.RequestError, match="Four eyes"):
        services.transition(in_review, S.APPROVED, actor=cast["supervisor"])
    services.transition(in_review, S.APPROVED, actor=cast["supervisor2"])
    assert in_review.approved_by == cast["supervisor2"]
    assert in_review.prepared_by == cast["supervisor"]


def test_an_operators_preparation_leaves_the_supervisor_free(cast, in_review):
    services.mark_prepared(request=in_review, actor=cast["operator"])
    services.transition(in_review, S.APPROVED, actor=cast["supervisor"])
    assert in_review.status == S.EXPORTING


def test_a_supervisor_cannot_approve_what_they_filed(cast, file_for, station):
    # An officer files, is later promoted to the control room, and meets the request again.
    filer = cast["officer"]
    request = file_for(filer, complainant_name="")
    roles.assign_role(user=filer, role=roles.SUPERVISOR)
    with pytest.raises(services.RequestError, match="Four eyes"):
        services.transition(request, S.APPROVED, actor=filer)


@pytest.mark.parametrize("who", ["citizen", "officer", "auditor"])
def test_only_the_control_room_prepares(cast, in_review, who):
    with pytest.raises(services.RequestError):
        services.mark_prepared(request=in_review, actor=cast[who])


def test_the_due_date_is_the_service_deadline_for_fresh_footage(cast, file_for, now, settings):
    request = file_for(cast["citizen"])
    assert request.due_at == now + timedelta(hours=settings.REQUEST_REVIEW_HOURS)


def test_the_due_date_is_the_overwrite_date_for_old_footage(cast, file_for, camera, now, settings):
    start = now - timedelta(days=settings.RETENTION_DAYS - 1)
    request = file_for(cast["citizen"], items=[(camera, start, start + timedelta(minutes=5))])
    assert request.due_at == start + timedelta(days=settings.RETENTION_DAYS)


def test_paused_time_does_not_count(cast, in_review, now, settings):
    due = in_review.due_at
    asked = now + timedelta(hours=1)
    services.transition(
        in_review, S.NEEDS_INFORMATION, actor=cast["operator"], reason="Which gate?", now=asked
    )
    assert in_review.paused_at == asked
    # While paused, the deadline moves with the pause.
    assert services.effective_due(in_review, now=asked + timedelta(hours=3)) == due + timedelta(
        hours=3
    )
    answered = asked + timedelta(hours=5)
    services.transition(
        in_review, S.UNDER_REVIEW, actor=cast["citizen"], reason="The east gate", now=answered
    )
    assert in_review.paused_seconds == 5 * 3600
    assert in_review.paused_at is None
    assert in_review.due_at == due + timedelta(hours=5)
    # A second pause adds up.
    services.transition(
        in_review, S.NEEDS_INFORMATION, actor=cast["operator"], reason="?", now=answered
    )
    services.transition(
        in_review,
        S.UNDER_REVIEW,
        actor=cast["citizen"],
        reason="!",
        now=answered + timedelta(minutes=30),
    )
    assert in_review.due_at == due + timedelta(hours=5, minutes=30)


def test_approval_starts_one_export_per_item_with_the_case_facts(
    cast, file_for, camera, camera2, now
):
    items = [
        (camera, now - timedelta(hours=3), now - timedelta(hours=2)),
        (camera2, now - timedelta(minutes=50), now - timedelta(minutes=20)),
    ]
    request = file_for(cast["citizen"], items=items)
    services.transition(request, S.UNDER_REVIEW, actor=cast["officer"])
    services.mark_prepared(request=request, actor=cast["operator"])
    services.transition(request, S.APPROVED, actor=cast["supervisor"])
    assert request.status == S.EXPORTING
    jobs = ExportJob.objects.order_by("pk")
    assert jobs.count() == 2
    for item, job in zip(request.items.order_by("position"), jobs, strict=True):
        assert item.export_job == job
        assert (job.camera, job.start, job.end) == (item.camera, item.start, item.end)
        assert (job.linked_type, job.linked_id) == (services.ITEM_LINK, str(item.pk))
        assert job.case["reference"] == request.reference
        assert job.case["fir_number"] == "123"
        assert job.case["station_code"] == "ps-central"
        assert job.case["approver"] == cast["supervisor"].display_name
        assert job.case["operator"] == cast["operator"].display_name
        assert job.case["requester"] == cast["citizen"].display_name
        # The station's officers may download; officers of other stations may not.
        assert exports.can_download(cast["officer"], job)
        assert not exports.can_download(cast["officer_other"], job)
    statuses = list(request.history.values_list("to_status", flat=True))
    assert statuses[-2:] == [S.APPROVED, S.EXPORTING]


@pytest.fixture
def exporting(cast, file_for, camera, camera2, now):
    items = [
        (camera, now - timedelta(hours=3), now - timedelta(hours=2)),
        (camera2, now - timedelta(minutes=50), now - timedelta(minutes=20)),
    ]
    request = file_for(cast["citizen"], items=items)
    services.transition(request, S.UNDER_REVIEW, actor=cast["officer"])
    return services.transition(request, S.APPROVED, actor=cast["supervisor"])


def _finish(job, status):
    ExportJob.objects.filter(pk=job.pk).update(status=status)
    job.refresh_from_db()
    export_job_changed.send(sender=ExportJob, job=job)


def test_ready_when_every_items_job_succeeded(exporting):
    first, second = [item.export_job for item in exporting.items.order_by("position")]
    _finish(first, ExportJob.Status.SUCCEEDED)
    exporting.refresh_from_db()
    assert exporting.status == S.EXPORTING
    _finish(second, ExportJob.Status.SUCCEEDED)
    exporting.refresh_from_db()
    assert exporting.status == S.READY
    # A late duplicate signal changes nothing.
    _finish(second, ExportJob.Status.SUCCEEDED)
    assert exporting.history.filter(to_status=S.READY).count() == 1


def test_a_failed_job_keeps_the_request_exporting_and_can_be_retried(cast, exporting):
    first, second = [item.export_job for item in exporting.items.order_by("position")]
    _finish(first, ExportJob.Status.FAILED)
    _finish(second, ExportJob.Status.SUCCEEDED)
    exporting.refresh_from_db()
    assert exporting.status == S.EXPORTING
    item = exporting.items.get(export_job=first)
    with pytest.raises(services.RequestError):
        services.retry_item_export(request=exporting, item=item, actor=cast["officer"])
    services.retry_item_export(request=exporting, item=item, actor=cast["operator"])
    first.refresh_from_db()
    assert first.status == ExportJob.Status.QUEUED


def test_the_first_download_by_the_station_delivers(cast, exporting):
    for item in exporting.items.all():
        _finish(item.export_job, ExportJob.Status.SUCCEEDED)
    job = exporting.items.first().export_job
    services.record_download(job=job, user=cast["operator"])
    exporting.refresh_from_db()
    assert exporting.status == S.READY
    services.record_download(job=job, user=cast["officer"])
    services.record_download(job=job, user=cast["officer"])
    exporting.refresh_from_db()
    assert exporting.status == S.DELIVERED
    assert exporting.history.filter(to_status=S.DELIVERED).count() == 1
    services.transition(exporting, S.CLOSED, actor=cast["officer"])
    assert not exporting.items.filter(hold__released_at__isnull=True).exists()


def test_a_job_linked_to_something_else_is_ignored(exporting):
    ExportJob.objects.update(status=ExportJob.Status.SUCCEEDED)
    job = exporting.items.first().export_job
    ExportJob.objects.filter(pk=job.pk).update(linked_type="other.thing")
    job.refresh_from_db()
    export_job_changed.send(sender=ExportJob, job=job)
    exporting.refresh_from_db()
    assert exporting.status == S.EXPORTING


def test_the_stations_download_through_evidence_delivers(
    cast, exporting, client_for, settings, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from evidence.models import ExportFile

    for item in exporting.items.all():
        _finish(item.export_job, ExportJob.Status.SUCCEEDED)
    job = exporting.items.first().export_job
    (settings.MEDIA_ROOT / "clip.mp4").write_bytes(b"not really a video")
    file = ExportFile.objects.create(job=job, kind="working", path="clip.mp4", sha256="0" * 64)
    url = reverse("evidence-export-download", args=[file.token])

    # An auditor may not download at all; the control room may, but that is no delivery.
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(cast["auditor"]).get(url).status_code == 404
        assert client_for(cast["operator"]).get(url).status_code == 200
    exporting.refresh_from_db()
    assert exporting.status == S.READY

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["officer"]).get(url)
        b"".join(response.streaming_content)
    assert response.status_code == 200
    exporting.refresh_from_db()
    assert exporting.status == S.DELIVERED
    assert exporting.history.get(to_status=S.DELIVERED).actor == cast["officer"]


def test_demo_requests_are_idempotent(cast, camera, camera2):
    from portal import demo as portal_demo
    from requests_app import demo
    from requests_app.models import FootageRequest

    assert demo.seed_requests() == []  # no demo users yet
    portal_demo.seed_accounts()
    first = demo.seed_requests()
    again = demo.seed_requests()
    assert [r.pk for r in first] == [r.pk for r in again]
    assert FootageRequest.objects.count() == 3
    assert {r.status for r in first} == {
        S.AWAITING_ENDORSEMENT,
        S.UNDER_REVIEW,
        S.NEEDS_INFORMATION,
    }


def test_a_preparation_cannot_be_taken_over(cast, in_review):
    services.mark_prepared(request=in_review, actor=cast["supervisor"])
    with pytest.raises(services.RequestError, match="already prepared"):
        services.mark_prepared(request=in_review, actor=cast["supervisor2"])
    # So the first preparer stays barred from approving.
    with pytest.raises(services.RequestError, match="Four eyes"):
        services.transition(in_review, S.APPROVED, actor=cast["supervisor"])


def test_the_downloads_page_links_the_files_of_ready_requests(cast, exporting, client_for):
    from django.urls import reverse

    from evidence.models import ExportFile

    for item in exporting.items.all():
        _finish(item.export_job, ExportJob.Status.SUCCEEDED)
    job = exporting.items.first().export_job
    file = ExportFile.objects.create(job=job, kind="certificate", path="c.pdf", sha256="1" * 64)
    page = client_for(cast["officer"]).get(reverse("requests-downloads")).content.decode()
    assert reverse("evidence-export-download", args=[file.token]) in page
    other = client_for(cast["officer_other"]).get(reverse("requests-downloads")).content.decode()
    assert exporting.reference not in other


def test_the_queue_flags_requests_with_a_failed_export(cast, exporting, client_for):
    from django.urls import reverse

    client = client_for(cast["operator"])
    assert "export failed" not in client.get(reverse("requests-queue")).content.decode()
    _finish(exporting.items.first().export_job, ExportJob.Status.FAILED)
    assert "export failed" in client.get(reverse("requests-queue")).content.decode()
