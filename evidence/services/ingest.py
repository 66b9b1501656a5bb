"""The segment index: find new recording files under RECORDINGS_ROOT, probe, hash and index them.

Each file is indexed once (its path is unique); a re-run only looks at paths it has not seen.
The SHA-256 taken here is the first link of the chain of custody: exports re-compute it and
compare. A file that cannot be read is indexed as unreadable with the reason, so it is reported
once and never silently counted as footage. Nothing outside the root is ever read.
"""

import contextlib
import fcntl
import hashlib
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from fractions import Fraction
from pathlib import Path, PurePosixPath

import av
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal import audit

from ..models import Camera, Segment
from .layout import current_layout

logger = logging.getLogger(__name__)

HASH_CHUNK = 1024 * 1024
_ADVISORY_LOCK_KEY = 0x494E47455354  # "INGEST": one ingest run at a time, across machines


class PathEscapeError(Exception):
    """A path that would leave the recordings root (`..`, an absolute path or a symlink)."""


def resolve_segment_path(relpath, root=None):
    """The absolute path of a file under the recordings root; refuses anything leaving it.

    Use this for every file read by path from the index (exports too): the index stores paths
    relative to the root, and a symlink or `..` must never lead out of it.
    """
    root = Path(root or settings.RECORDINGS_ROOT).resolve()
    pure = PurePosixPath(relpath)
    if pure.is_absolute() or ".." in pure.parts:
        raise PathEscapeError(f"{relpath}: not a relative path inside the recordings root")
    real = (root / pure).resolve()
    if not real.is_relative_to(root):
        raise PathEscapeError(f"{relpath}: leads outside the recordings root (to {real})")
    return real


def file_sha256(path):
    """SHA-256 of a file, read in 1 MiB chunks (never the whole file in memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ProbeError(Exception):
    pass


@dataclass(frozen=True)
class Probe:
    duration: float  # seconds, first packet to the end of the last
    codec: str
    width: int
    height: int
    fps: float | None
    keyframe_interval: float | None  # longest distance between keyframes, seconds


def probe(path):
    """Read the container and every video packet header (no decoding) with PyAV.

    Raises ProbeError with a readable reason for a file that is not a playable video.
    """
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ProbeError("no video stream")
            stream = container.streams.video[0]
            time_base = stream.time_base or Fraction(1, 90000)
            first = end = None
            keyframes = []
            for packet in container.demux(stream):
                if packet.pts is None:
                    continue  # the demuxer's final flush packet
                first = packet.pts if first is None else min(first, packet.pts)
                packet_end = packet.pts + (packet.duration or 0)
                end = packet_end if end is None else max(end, packet_end)
                if packet.is_keyframe:
                    keyframes.append(packet.pts)
            if first is None:
                raise ProbeError("no video frames")
            context = stream.codec_context
            rate = stream.average_rate or stream.guessed_rate
            keyframes.sort()
            distances = [b - a for a, b in zip(keyframes, keyframes[1:], strict=False)]
            return Probe(
                duration=float((end - first) * time_base),
                codec=context.name or "",
                width=context.width or 0,
                height=context.height or 0,
                fps=round(float(rate), 3) if rate else None,
                keyframe_interval=float(max(distances) * time_base) if distances else None,
            )
    except ProbeError:
        raise
    except (av.FFmpegError, OSError, ValueError, ZeroDivisionError) as error:
        raise ProbeError(str(error) or error.__class__.__name__) from error


@dataclass
class IngestReport:
    root: str = ""
    indexed: int = 0
    unreadable: int = 0
    already_known: int = 0
    still_writing: int = 0
    ignored: int = 0  # files and folders that do not fit the layout
    refused: list = field(default_factory=list)  # paths leaving the root
    unknown_cameras: Counter = field(default_factory=Counter)  # code -> files
    per_camera: Counter = field(default_factory=Counter)  # code -> segments indexed
    busy: bool = False  # another ingest run held the lock

    @property
    def changed(self):
        return bool(self.indexed or self.unreadable)

    def summary(self):
        return {
            "root": self.root,
            "indexed": self.indexed,
            "unreadable": self.unreadable,
            "already_known": self.already_known,
            "still_writing": self.still_writing,
            "ignored": self.ignored,
            "refused": self.refused[:50],
            "unknown_cameras": dict(self.unknown_cameras),
            "cameras": dict(self.per_camera),
        }


@contextlib.contextmanager
def _one_run_at_a_time():
    """Yield True if this process holds the ingest lock, False if another run holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_ADVISORY_LOCK_KEY])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_LOCK_KEY])
        return
    lock_path = Path(settings.DATA_DIR) / "ingest.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ingest_recordings(*, root=None, since=None, settle_seconds=None, now=None, actor=None):
    """Index every new segment file under `root` (default RECORDINGS_ROOT); return a report.

    Guarantees: each path is indexed at most once; files modified in the last `settle_seconds`
    wait for a later run; unreadable files are indexed with status unreadable and the reason;
    paths leaving the root are refused and reported, never read; files of unknown camera codes
    are reported and left for a later run. With `since`, dated folders wholly before that day are
    not walked. Camera.last_segment_end moves forward. One audit event per run that changed data.
    """
    root = Path(root or settings.RECORDINGS_ROOT)
    now = now or timezone.now()
    settle = settings.INGEST_SETTLE_SECONDS if settle_seconds is None else settle_seconds
    report = IngestReport(root=str(root))
    if not root.is_dir():
        raise FileNotFoundError(f"recordings root {root} is not a folder")
    with _one_run_at_a_time() as acquired:
        if not acquired:
            report.busy = True
            return report
        cameras = {camera.code: camera for camera in Camera.objects.all()}
        walker = _Walker(root=root.resolve(), since=since, report=report)
        for batch in walker.batches():
            _ingest_batch(batch, cameras=cameras, report=report, now=now, settle=settle)
        touched = [cameras[code] for code in report.per_camera]
        _advance_last_segment_end(touched)
        if report.changed:
            audit.log("evidence.ingest.completed", actor=actor, details=report.summary())
    if report.refused:
        logger.warning("ingest refused %d path(s) leaving the root", len(report.refused))
    for code, count in report.unknown_cameras.items():
        logger.warning("ingest: %d file(s) of unknown camera code %r", count, code)
    return report


@dataclass
class _Candidate:
    relpath: str
    path: Path
    camera_code: str
    start: object


class _Walker:
    """Walks the root following the layout's depth; yields candidates one folder at a time."""

    def __init__(self, *, root, since, report):
        self.root = root
        self.layout = current_layout()
        self.since_day = since.astimezone(UTC).date() if since else None
        self.report = report

    def batches(self):
        yield from self._walk(self.root, [])

    def _inside(self, entry, parts):
        """For a symlink: False (and reported) if it resolves outside the root."""
        if not entry.is_symlink():
            return True
        real = Path(entry.path).resolve()
        if real.is_relative_to(self.root):
            return True
        self.report.refused.append("/".join([*parts, entry.name]))
        return False

    def _walk(self, folder, parts):
        files = []
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            logger.warning("ingest: cannot list %s: %s", folder, error)
            return
        for entry in entries:
            if not self._inside(entry, parts):
                continue
            child = [*parts, entry.name]
            if entry.is_dir():
                if len(child) >= self.layout.depth:
                    self.report.ignored += 1
                    continue
                info = self.layout.directory(child)
                if info is None:
                    self.report.ignored += 1
                elif self.since_day and info.get("date") and info["date"] < self.since_day:
                    continue
                else:
                    yield from self._walk(Path(entry.path), child)
            elif entry.is_file():
                relpath = "/".join(child)
                match = self.layout.parse(relpath)
                if match is None:
                    self.report.ignored += 1
                    continue
                files.append(_Candidate(relpath, Path(entry.path), match.camera_code, match.start))
        if files:
            yield files


def _ingest_batch(batch, *, cameras, report, now, settle):
    known = set(
        Segment.objects.filter(path__in=[c.relpath for c in batch]).values_list("path", flat=True)
    )
    rows = []
    for candidate in batch:
        if candidate.relpath in known:
            report.already_known += 1
            continue
        camera = cameras.get(candidate.camera_code)
        if camera is None:
            report.unknown_cameras[candidate.camera_code] += 1
            continue
        try:
            path = resolve_segment_path(candidate.relpath, root=report.root)
            modified = path.stat().st_mtime
        except PathEscapeError:
            report.refused.append(candidate.relpath)
            continue
        except OSError:
            continue  # removed since the folder was listed
        if settle and now.timestamp() - modified < settle:
            report.still_writing += 1
            continue
        rows.append(_segment_row(camera, candidate, path))
    if not rows:
        return
    with transaction.atomic():
        # ignore_conflicts: a path indexed meanwhile by a run that bypassed the lock is kept.
        Segment.objects.bulk_create(rows, ignore_conflicts=True)
    for row in rows:
        if row.status == Segment.Status.OK:
            report.indexed += 1
            report.per_camera[row.camera.code] += 1
        else:
            report.unreadable += 1
            report.per_camera[row.camera.code] += 0


def _segment_row(camera, candidate, path):
    row = Segment(camera=camera, path=candidate.relpath, start=candidate.start, end=candidate.start)
    try:
        row.size = path.stat().st_size
        row.sha256 = file_sha256(path)
        info = probe(path)
        if info.duration <= 0:
            raise ProbeError("no footage (zero duration)")
        if info.duration > settings.SEGMENT_MAX_SECONDS:
            raise ProbeError(
                f"{info.duration:.0f} s is longer than SEGMENT_MAX_SECONDS "
                f"({settings.SEGMENT_MAX_SECONDS} s); raise the setting to index it"
            )
    except (ProbeError, OSError) as error:
        row.status = Segment.Status.UNREADABLE
        row.error = str(error)[:500]
        return row
    row.end = candidate.start + timedelta(seconds=info.duration)
    row.codec = info.codec
    row.width, row.height = info.width, info.height
    row.fps = info.fps
    row.keyframe_interval = info.keyframe_interval
    return row


def _advance_last_segment_end(cameras):
    for camera in cameras:
        newest = (
            Segment.objects.filter(camera=camera, status=Segment.Status.OK)
            .order_by("-start")
            .values_list("end", flat=True)
            .first()
        )
        if newest and (camera.last_segment_end is None or newest > camera.last_segment_end):
            Camera.objects.filter(pk=camera.pk).update(last_segment_end=newest)
            camera.last_segment_end = newest
