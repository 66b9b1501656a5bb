"""Export jobs end to end on a real Celery worker (Redis, PostgreSQL) and real ffmpeg."""

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest

from evidence import hashing, media, signing
from evidence.models import ExportFile, ExportJob
from evidence.services import exports
from portal.models import AuditEntry
from tests.services import WorkerProcess, wait_for

from .export_support import *  # noqa: F403 (fixtures)
from .export_support import T0, framemd5, media_file, new_job, source_frames

pytestmark = pytest.mark.slow


def finished(job):
    def check():
        """the export job to finish"""
        job.refresh_from_db()
        return job.finished

    return check


@pytest.fixture
def exported(celery_worker, footage, cast):
    # Window 10:00:03.0–10:00:09.5 over three 4 s segments (keyframes every 2 s).
    job = new_job(footage[0].camera, 3, 9.5, actor=cast["operator"])
    wait_for(finished(job), timeout=90)
    assert job.status == ExportJob.Status.SUCCEEDED, job.error
    job.files_by_kind = {f.kind: f for f in job.files.all()}
    return job


def test_master_is_the_source_frames_from_the_keyframe_before_the_window(exported, footage):
    assert exported.covered_start == T0 + timedelta(seconds=2)  # keyframe at or before 3.0 s
    assert exported.covered_end == T0 + timedelta(seconds=9.5)
    master = media_file(exported.files_by_kind[ExportFile.Kind.MASTER])
    expected = source_frames(footage, exported.covered_start, exported.covered_end)
    got = [digest for _seconds, digest in framemd5(master)]
    assert len(got) == len(expected) == 75  # 7.5 s at 10 fps, across two segment joins
    assert got == expected


def test_master_is_stream_copied_not_reencoded(exported, footage):
    import av

    master = media_file(exported.files_by_kind[ExportFile.Kind.MASTER])
    source = footage[0].camera.segments.order_by("start").first()
    with av.open(str(master)) as out, av.open(str(media_file_source(source))) as src:
        out_packets = [bytes(p) for p in out.demux(out.streams.video[0]) if p.size]
        src_packets = [bytes(p) for p in src.demux(src.streams.video[0]) if p.size]
    # The master starts 2.0 s (20 frames) into the first segment. Its packets are the source's
    # byte for byte; the first keyframe only gains the parameter sets (SPS/PPS) in front.
    assert out_packets[0].endswith(src_packets[20])
    assert out_packets[1:20] == src_packets[21:40]


def media_file_source(segment):
    from django.conf import settings

    return settings.RECORDINGS_ROOT / segment.path


def test_working_copy_is_trimmed_to_the_window_within_one_frame(exported):
    working = exported.files_by_kind[ExportFile.Kind.WORKING]
    probed = media.probe(media_file(working))
    assert probed.codec == "h264"
    assert abs(probed.duration - 6.5) <= 0.1 + 1e-6
    assert probed.frames == 65
    assert working.duration == pytest.approx(probed.duration)


def gray(frame):
    """(bytes, stride) of the luma plane of a decoded frame."""
    plane = frame.reformat(format="gray").planes[0]
    return bytes(plane), plane.line_size


def mean_difference(a, b, rows, cols):
    (pixels_a, stride_a), (pixels_b, stride_b) = a, b
    total = sum(
        abs(pixels_a[y * stride_a + x] - pixels_b[y * stride_b + x]) for y in rows for x in cols
    )
    return total / (len(rows) * len(cols))


def test_working_copy_carries_the_watermark(exported, footage):
    """The watermark box (top left) differs from the same source frame without it."""
    import av

    working = media_file(exported.files_by_kind[ExportFile.Kind.WORKING])
    with av.open(str(working)) as container:
        frame = gray(next(container.decode(video=0)))
    # The working copy's first frame is the source frame at 3.0 s: frame 30 of segment one.
    with av.open(str(media_file_source(footage[0]))) as container:
        source = gray(list(container.decode(video=0))[30])
    assert mean_difference(frame, source, range(4, 50), range(4, 150)) > 20
    assert mean_difference(frame, source, range(70, 110), range(100, 220)) < 8


def test_hashes_of_outputs_and_sources_match_the_files(exported, footage):
    for export_file in exported.files_by_kind.values():
        assert export_file.sha256 == hashing.sha256_file(media_file(export_file))
        assert export_file.size == media_file(export_file).stat().st_size
    assert [s["sha256"] for s in exported.sources] == [s.sha256 for s in footage]
    actions = list(
        AuditEntry.objects.filter(object_id=str(exported.pk)).values_list("action", flat=True)
    )
    assert actions[:3] == [
        "evidence.export.requested",
        "evidence.export.started",
        "evidence.export.outputs_hashed",
    ]
    assert actions[-1] == "evidence.export.succeeded"


def test_certificate_validates_and_one_altered_byte_fails(exported):
    cert = exported.files_by_kind[ExportFile.Kind.CERTIFICATE]
    data = media_file(cert).read_bytes()
    check = signing.check_pdf(data)
    assert check.valid, check.reason
    master = exported.files_by_kind[ExportFile.Kind.MASTER]
    assert f"master-sha256={master.sha256}" in check.keywords
    for position in (len(data) // 4, len(data) // 2, len(data) - 300):
        altered = bytearray(data)
        altered[position] ^= 0x01
        assert not signing.check_pdf(bytes(altered)).valid, position


def alive(pid):
    """Running (a zombie waiting for a reaper is dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def ffmpeg_children_in(folder):
    """pids of processes whose working directory is the job's folder (its ffmpeg runs)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == folder:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def test_a_job_killed_mid_run_is_swept_and_retried_to_correct_outputs(
    transactional_db,
    redis_url,
    camera,
    cast,
):
    from django.conf import settings

    from evidence.exports.pipeline import job_folder
    from evidence.footage import generate_segments

    from .export_support import index_segments

    services_worker = WorkerProcess(EXPORT_X264_PRESET="placebo")
    paths = generate_segments(settings.RECORDINGS_ROOT, camera.code, T0, 40, segment_seconds=20)
    segments = index_segments(camera, paths, T0, 20)
    services_worker.start()
    try:
        job = new_job(camera, 1, 39, actor=cast["operator"])
        folder = job_folder(job)

        def encoding():
            """the working copy's ffmpeg to be running"""
            job.refresh_from_db()
            return job.progress >= 21 and ffmpeg_children_in(folder)

        ffmpeg_pids = wait_for(encoding, timeout=90)
        os.killpg(services_worker.process.pid, signal.SIGKILL)
        services_worker.process.wait()

        def ffmpeg_gone():
            """ffmpeg to die with its worker"""
            return not ffmpeg_children_in(folder)

        wait_for(ffmpeg_gone, timeout=10)
        assert not any(alive(pid) for pid in ffmpeg_pids)
        job.refresh_from_db()
        assert job.status == ExportJob.Status.RUNNING
        assert any(p.name.startswith(".partial-") for p in folder.iterdir())
    finally:
        services_worker.stop()

    retry_worker = WorkerProcess().start()
    try:
        time.sleep(0.1)
        assert [j.pk for j in exports.sweep_stale(older_than=timedelta(0))] == [job.pk]
        wait_for(finished(job), timeout=120)
    finally:
        retry_worker.stop()
    assert job.status == ExportJob.Status.SUCCEEDED, job.error
    assert job.attempts == 2
    assert sorted(p.name for p in folder.iterdir()) == [
        "certificate.pdf",
        "master.mp4",
        "working.mp4",
    ]
    master = job.files.get(kind=ExportFile.Kind.MASTER)
    expected = source_frames(segments, job.covered_start, job.covered_end)
    assert [d for _s, d in framemd5(media_file(master))] == expected
    assert master.sha256 == hashing.sha256_file(media_file(master))
    assert AuditEntry.objects.filter(action="evidence.export.requeued").count() == 1


def test_soft_time_limit_kills_ffmpeg_and_fails_the_job(
    transactional_db, redis_url, camera, cast, settings
):
    settings.EXPORT_SOFT_TIME_LIMIT = 2  # sent with the task by the side that queues it
    from evidence.exports.pipeline import job_folder
    from evidence.footage import generate_segments

    from .export_support import index_segments

    paths = generate_segments(settings.RECORDINGS_ROOT, camera.code, T0, 40, segment_seconds=20)
    index_segments(camera, paths, T0, 20)
    worker = WorkerProcess(EXPORT_X264_PRESET="placebo").start()
    try:
        job = new_job(camera, 1, 39, actor=cast["operator"])
        folder = job_folder(job)
        seen_ffmpeg = []

        def done():
            """the time limit to end the job"""
            seen_ffmpeg.extend(ffmpeg_children_in(folder))
            job.refresh_from_db()
            return job.finished

        wait_for(done, timeout=90, interval=0.1)
    finally:
        worker.stop()
    assert job.status == ExportJob.Status.FAILED
    assert "time limit" in job.error
    assert seen_ffmpeg and not any(alive(pid) for pid in set(seen_ffmpeg))
    assert not folder.exists()
