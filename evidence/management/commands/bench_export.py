"""bench_export: the export pipeline against bare ffmpeg, and hashing against sha256sum.

Generates (once, cached under DATA_DIR/bench-footage) a 720p window of footage, exports it with
the real pipeline (source hashing, master, watermarked working copy, output hashes, signed
certificate), then runs bare ffmpeg with the very same inputs, filters and encoder settings, and
prints the ratio. Everything written to the database is rolled back at the end.
"""

import shutil
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings

from evidence import hashing
from evidence.exports import pipeline, sources, working
from evidence.ffmpeg import ffmpeg_exe
from evidence.footage import generate_segments, utc
from evidence.models import Camera, ExportJob, Recorder, Segment
from evidence.services import exports
from portal import benchmarks

START = utc(2026, 1, 1, 10, 0, 0)


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the export pipeline against bare ffmpeg, and hashing against sha256sum."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=600)
        parser.add_argument("--size", default="1280x720")
        parser.add_argument("--fps", type=int, default=15)
        parser.add_argument("--segment-seconds", type=int, default=60)
        parser.add_argument("--json", help="also write the figures to this file (scripts/bench)")

    def handle(self, *args, **options):
        self.summary = benchmarks.Summary("export")
        seconds, size, fps = options["seconds"], options["size"], options["fps"]
        key = f"{seconds}s-{size}-{fps}fps-{options['segment_seconds']}"
        recordings = Path(settings.DATA_DIR) / "bench-footage" / key
        if not (recordings / "done").exists():
            self.stdout.write(f"Generating {seconds} s of {size} footage at {fps} fps (once)…")
            shutil.rmtree(recordings, ignore_errors=True)
            recordings.mkdir(parents=True)
            generate_segments(
                recordings,
                "bench-cam",
                START,
                seconds,
                segment_seconds=options["segment_seconds"],
                size=size,
                fps=fps,
            )
            (recordings / "done").touch()
        media = Path(tempfile.mkdtemp(prefix="bench-export-"))
        try:
            with override_settings(
                RECORDINGS_ROOT=recordings, MEDIA_ROOT=media, EXPORT_MIN_FREE_BYTES=0
            ):
                try:
                    with transaction.atomic():
                        self.run(recordings, media, seconds, options["segment_seconds"], fps)
                        raise Rollback
                except Rollback:
                    pass
        finally:
            shutil.rmtree(media, ignore_errors=True)
        self.summary.write(options["json"])

    def run(self, recordings, media, seconds, segment_seconds, fps):
        recorder = Recorder.objects.create(code="bench-nvr", name="Benchmark NVR")
        camera = Camera.objects.create(code="bench-cam", name="Benchmark", recorder=recorder)
        files = sorted((recordings / "bench-cam").rglob("*.mp4"))
        for index, path in enumerate(files):
            start = START + timedelta(seconds=index * segment_seconds)
            Segment.objects.create(
                camera=camera,
                start=start,
                end=start + timedelta(seconds=segment_seconds),
                path=path.relative_to(recordings).as_posix(),
                size=path.stat().st_size,
                sha256=hashing.sha256_file(path),
                fps=fps,
            )
        case = {"reference": "FR-BENCH-000001", "fir_number": "1", "fir_year": "2026"}
        case["station_name"] = "Benchmark PS"
        job = exports.request_export(
            camera=camera,
            start=START,
            end=START + timedelta(seconds=seconds),
            case=case,
            actor=None,
        )

        claimed, run_token = exports.claim(job_id=job.pk)
        began = time.perf_counter()
        pipeline.run_claimed(job=claimed, run_token=run_token)
        pipeline_seconds = time.perf_counter() - began
        job.refresh_from_db()
        if job.status != ExportJob.Status.SUCCEEDED:
            self.stderr.write(f"export failed: {job.error}")
            return
        bare_seconds = self.bare_ffmpeg(job, media)

        ratio = pipeline_seconds / bare_seconds
        working_file = job.files.get(kind="working")
        window = f"{seconds} s window, {len(files)} segments"
        self.summary.add("export pipeline", pipeline_seconds, "s", note=window)
        self.summary.add("bare ffmpeg, same work", bare_seconds, "s", note=window)
        self.summary.add(
            "export pipeline / bare ffmpeg", ratio, "x", target="<= 1.15", ok=ratio <= 1.15
        )
        self.stdout.write(
            f"export pipeline: {pipeline_seconds:.2f} s   bare ffmpeg: {bare_seconds:.2f} s   "
            f"ratio {ratio:.3f} (target <= 1.15) {'OK' if ratio <= 1.15 else 'OVER'}"
        )
        self.hashing(Path(media) / job.files.get(kind="master").path)
        self.stdout.write(
            f"(window {seconds} s, {len(files)} segments, working copy "
            f"{working_file.size / 2**20:.1f} MiB, preset {settings.EXPORT_X264_PRESET})"
        )

    def bare_ffmpeg(self, job, media):
        """The same two ffmpeg runs as the pipeline, with nothing around them: the same
        inputs (the segments and the case-lines PNG, rendered here too) and the same graph."""
        plan = sources.plan(job, on_progress=lambda fraction: None, failure=RuntimeError)
        folder = Path(media) / "bare"
        folder.mkdir()
        (folder / "list.ffconcat").write_text(plan.concat_text)
        working.write_watermark(job, folder / "watermark.png", height=plan.height)
        trim_start = max(0.0, (job.start - plan.covered_start).total_seconds())
        commands = [
            working.master_args("list.ffconcat", "master.mp4"),
            working.working_args(
                "list.ffconcat",
                "working.mp4",
                watermark="watermark.png",
                trim_start=trim_start,
                trim_end=(job.end - plan.covered_start).total_seconds(),
                epoch=plan.covered_start.timestamp(),
                height=plan.height,
            ),
        ]
        began = time.perf_counter()
        for args in commands:
            subprocess.run(
                [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args],
                cwd=folder,
                check=True,
            )
        return time.perf_counter() - began

    def hashing(self, path):
        size = path.stat().st_size
        hashing.sha256_file(path)  # warm the page cache for both
        ours = theirs = float("inf")
        for _round in range(3):
            began = time.perf_counter()
            digest = hashing.sha256_file(path)
            ours = min(ours, time.perf_counter() - began)
            began = time.perf_counter()
            out = subprocess.run(["sha256sum", str(path)], check=True, capture_output=True)
            theirs = min(theirs, time.perf_counter() - began)
        assert out.stdout.split()[0].decode() == digest
        mib = size / 2**20
        ratio = ours / theirs
        self.stdout.write(
            f"hashing {mib:.1f} MiB: evidence.hashing {mib / ours:.0f} MiB/s   sha256sum "
            f"{mib / theirs:.0f} MiB/s   ratio {ratio:.3f} (target <= 1.1) "
            f"{'OK' if ratio <= 1.1 else 'OVER'}"
        )
        self.summary.add("hashing throughput", mib / ours, "MiB/s", note=f"{mib:.0f} MiB file")
        self.summary.add("hashing / sha256sum", ratio, "x", target="<= 1.1", ok=ratio <= 1.1)
