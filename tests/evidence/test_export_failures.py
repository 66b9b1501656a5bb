"""Every failure mode ends in a clear, logged, retryable state and leaves no files behind.

The pipeline runs in this process here (unit tests of its rules); the worker path, the kill and
the time limit are in test_export_pipeline.py.
"""

import subprocess
from datetime import timedelta

import pytest
from django.conf import settings

from evidence import hashing
from evidence.exports.pipeline import job_folder
from evidence.models import ExportJob, Segment
from evidence.services import exports
from portal.models import AuditEntry

from .export_support import *  # noqa: F403 (fixtures)
from .export_support import T0, framemd5, media_file, new_job, run_direct, source_frames

pytestmark = pytest.mark.slow


def assert_failed_cleanly(job, *fragments):
    assert job.status == ExportJob.Status.FAILED
    for fragment in fragments:
        assert fragment in job.error
    assert not job.files.exists()
    assert not job_folder(job).exists()
    entry = AuditEntry.objects.filter(action="evidence.export.failed", object_id=str(job.pk)).last()
    assert entry is not None and entry.details["reason"] == job.error


def retry(job, actor):
    exports.retry_export(job=job, actor=actor)
    return run_direct(job)


def test_missing_source_segment_names_the_file_and_retry_succeeds(footage, cast):
    job = new_job(footage[0].camera, 3, 9.5)
    path = settings.RECORDINGS_ROOT / footage[1].path
    moved = path.with_name("moved-away")
    path.rename(moved)
    run_direct(job)
    assert_failed_cleanly(job, "Source segment missing", footage[1].path)

    moved.rename(path)
    job = retry(job, cast["operator"])
    assert job.status == ExportJob.Status.SUCCEEDED, job.error
    assert job.attempts == 2


def test_altered_source_segment_stops_the_export_with_a_tampering_alert(footage):
    job = new_job(footage[0].camera, 3, 9.5)
    path = settings.RECORDINGS_ROOT / footage[2].path
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    run_direct(job)
    assert_failed_cleanly(job, "Hash mismatch", footage[2].path)
    alert = AuditEntry.objects.get(action="evidence.export.tampering_detected")
    assert alert.details["segment"] == footage[2].path
    assert alert.details["expected_sha256"] == footage[2].sha256
    assert alert.details["actual_sha256"] == hashing.sha256_file(path)


def test_corrupt_source_segment_names_the_file(footage):
    job = new_job(footage[0].camera, 3, 9.5)
    path = settings.RECORDINGS_ROOT / footage[1].path
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    # Corrupt already when indexed: the hash matches, the file does not play.
    Segment.objects.filter(pk=footage[1].pk).update(sha256=hashing.sha256_file(path))
    run_direct(job)
    assert_failed_cleanly(job, "Source segment unreadable", footage[1].path)


def test_window_without_footage_fails(footage):
    job = new_job(footage[0].camera, 100, 110)
    run_direct(job)
    assert_failed_cleanly(job, "No footage")


def test_gaps_are_exported_and_stated_when_allowed(footage):
    Segment.objects.filter(pk=footage[1].pk).delete()  # 10:00:04–10:00:08 missing
    job = run_direct(new_job(footage[0].camera, 3, 9.5, allow_gaps=True))
    assert job.status == ExportJob.Status.SUCCEEDED, job.error
    assert job.gaps == [
        [(T0 + timedelta(seconds=4)).isoformat(), (T0 + timedelta(seconds=8)).isoformat()]
    ]
    master = job.files.get(kind="master")
    kept = [footage[0], footage[2]]
    got = framemd5(media_file(master))
    assert [d for _s, d in got] == source_frames(kept, job.covered_start, job.covered_end)
    # The gap is a jump in timestamps, so every frame keeps its wall-clock time.
    assert [round(s, 3) for s, _d in got][19:21] == [1.9, 6.0]
    assert len(job.sources) == 2


def test_gaps_fail_the_job_when_not_allowed(footage, settings):
    settings.EXPORT_ALLOW_GAPS = False
    Segment.objects.filter(pk=footage[1].pk).delete()
    job = new_job(footage[0].camera, 3, 9.5)
    assert job.allow_gaps is False
    run_direct(job)
    assert_failed_cleanly(job, "gaps")


def test_ffmpeg_failure_is_reported_and_retryable(footage, cast, settings):
    settings.EXPORT_X264_PRESET = "no-such-preset"
    job = run_direct(new_job(footage[0].camera, 3, 9.5))
    assert_failed_cleanly(job, "ffmpeg failed")
    settings.EXPORT_X264_PRESET = "veryfast"
    assert retry(job, cast["operator"]).status == ExportJob.Status.SUCCEEDED


def test_too_little_free_space_is_refused_before_starting(footage, settings):
    settings.EXPORT_MIN_FREE_BYTES = 10**15
    job = run_direct(new_job(footage[0].camera, 3, 9.5))
    assert_failed_cleanly(job, "Not enough free disk space")


@pytest.fixture
def tiny_media_disk(settings):
    """MEDIA_ROOT on a 160 KiB tmpfs (needs root): the master copy does not fit."""
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(settings.MEDIA_ROOT)],
        capture_output=True,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    settings.EXPORT_MIN_FREE_BYTES = 0
    yield settings.MEDIA_ROOT
    subprocess.run(["umount", str(settings.MEDIA_ROOT)], check=True)


def test_disk_full_fails_cleanly(footage, tiny_media_disk, monkeypatch):
    from evidence.exports import pipeline

    # The disk fills while ffmpeg writes (say another job took the space after the check).
    monkeypatch.setattr(pipeline, "_check_free_space", lambda folder, needed: None)
    job = run_direct(new_job(footage[0].camera, 3, 9.5))
    assert_failed_cleanly(job, "disk holding the exports is full")
    assert list(tiny_media_disk.rglob("*.mp4")) == []


def test_production_refuses_to_generate_a_signing_key(footage, settings):
    settings.SIGNING_ALLOW_GENERATE = False
    job = run_direct(new_job(footage[0].camera, 3, 9.5))
    assert_failed_cleanly(job, "SIGNING_KEY_FILE", "SIGNING_ALLOW_GENERATE")
    assert not (settings.SIGNING_DIR / "signing.key.pem").exists()


def test_the_same_window_gives_the_same_outputs(footage):
    """What makes a retry after a crash give the same files: the outputs are reproducible."""
    first = run_direct(new_job(footage[0].camera, 3, 9.5))
    second = run_direct(new_job(footage[0].camera, 3, 9.5))
    for kind in ("master", "working"):
        assert first.files.get(kind=kind).sha256 == second.files.get(kind=kind).sha256


def test_a_superseded_run_that_fails_leaves_the_new_runs_files_alone(footage):
    from evidence.exports import pipeline

    job = new_job(footage[0].camera, 3, 9.5)
    old, old_token = exports.claim(job_id=job.pk)
    exports.sweep_stale(older_than=timedelta(seconds=-1))
    new, new_token = exports.claim(job_id=job.pk)
    folder = job_folder(job)
    folder.mkdir(parents=True)
    (folder / ".partial-master.mp4").write_bytes(b"the new run's work")
    pipeline._fail(old, old_token, folder, "old run failed", {})
    assert (folder / ".partial-master.mp4").exists()
    new.refresh_from_db()
    assert new.status == ExportJob.Status.RUNNING and new.run_token == new_token


def test_hostile_free_text_cannot_break_or_enter_the_filter_graph(footage):
    hostile = {
        "reference": "FR'1:2,3[x];%{pts} \\ '",
        "fir_number": "9'; drawtext=text=pwned",
        "station_name": "Central PS [out]; [in] null %{localtime}\nsecond line",
    }
    job = run_direct(new_job(footage[0].camera, 3, 9.5, case=hostile))
    assert job.status == ExportJob.Status.SUCCEEDED, job.error
    assert job.files.get(kind="working").frames == 65
