"""Which segments an export uses, checked before use, and the concat list that joins them."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit

from .. import hashing, media
from ..services.coverage import Coverage, coverage, outages_overlapping, segments_overlapping


@dataclass
class Plan:
    coverage: Coverage
    outages: list
    covered_start: datetime  # wall-clock time of the master's first frame (a keyframe)
    expected_duration: float
    concat_text: str
    height: int
    source_rows: list = field(default_factory=list)
    source_bytes: int = 0


def _ist(moment):
    return timezone.localtime(moment, timezone.get_fixed_timezone(330)).strftime(
        "%Y-%m-%d %H:%M:%S IST"
    )


def describe_gaps(gaps):
    return "; ".join(f"{_ist(a)} – {_ist(b)}" for a, b in gaps)


def _quote(path):
    # ffconcat quoting: single quotes, a quote itself as '\'' (as in a shell).
    return "'" + str(path).replace("'", "'\\''") + "'"


def _verified(job, segment, failure, on_bytes):
    """Re-hash a source segment, compare with the hash taken at ingest, and probe it."""
    path = Path(settings.RECORDINGS_ROOT) / segment.path
    if not path.is_file():
        raise failure(
            _("Source segment missing: %(path)s") % {"path": segment.path}, segment=segment.path
        )
    digest = hashing.sha256_file(path, on_chunk=on_bytes)
    if segment.sha256 and digest != segment.sha256:
        # Logged on its own (committed even though the job fails): it is an alert.
        audit.log(
            "evidence.export.tampering_detected",
            obj=job,
            details={
                "segment": segment.path,
                "segment_id": segment.pk,
                "expected_sha256": segment.sha256,
                "actual_sha256": digest,
            },
        )
        raise failure(
            _(
                "Hash mismatch on source segment %(path)s: the file changed since it was "
                "indexed (possible tampering)."
            )
            % {"path": segment.path},
            segment=segment.path,
        )
    try:
        probed = media.probe(path)
    except Exception as error:  # PyAV raises its own error types for unreadable files
        raise failure(
            _("Source segment unreadable: %(path)s (%(error)s)")
            % {"path": segment.path, "error": error},
            segment=segment.path,
        ) from error
    return path, digest, probed


def plan(job, *, on_progress, failure):
    """Check every source segment of the job's window and build the concat list.

    Raises `failure` (with a readable message naming the file) for a window without footage,
    gaps when the job does not allow them, and a missing, altered or unreadable segment.
    """
    cov = coverage(job.camera, job.start, job.end)
    segments = list(segments_overlapping(job.camera, job.start, job.end))
    if not segments:
        raise failure(_("No footage is indexed for this window."))
    if cov.gaps and not job.allow_gaps:
        raise failure(
            _("The window has gaps in the recording: %(gaps)s") % {"gaps": describe_gaps(cov.gaps)},
            gaps=[[a, b] for a, b in cov.gaps],
        )
    total = sum(segment.size for segment in segments) or 1
    done_before = 0
    checked = []
    rows = []
    for segment in segments:
        path, digest, probed = _verified(
            job,
            segment,
            failure,
            lambda done, base=done_before: on_progress(min(1.0, (base + done) / total)),
        )
        done_before += path.stat().st_size
        checked.append((segment, path, probed))
        rows.append(
            {
                "path": segment.path,
                "start": segment.start.isoformat(),
                "end": segment.end.isoformat(),
                "size": path.stat().st_size,
                "sha256": digest,
                "ingest_sha256": segment.sha256,
            }
        )

    first_segment, _path, first_probe = checked[0]
    offset = max(0.0, (job.start - first_segment.start).total_seconds())
    keyframe = 0.0
    for candidate in first_probe.keyframes:
        if candidate <= offset + 1e-6:
            keyframe = candidate
    covered_start = first_segment.start + timedelta(seconds=keyframe)

    lines = ["ffconcat version 1.0"]
    for index, (segment, path, probed) in enumerate(checked):
        lines.append(f"file {_quote(path)}")
        inpoint = keyframe if index == 0 else 0.0
        if index == 0 and keyframe > 0:
            lines.append(f"inpoint {probed.start + keyframe:.6f}")
        if index + 1 < len(checked):
            step = (checked[index + 1][0].start - segment.start).total_seconds()
            # A hole before the next segment: stretch this file's slot so that the next one
            # starts at its true wall-clock offset (the gap is a jump in timestamps, not a cut).
            if step - probed.duration > 0.5 / (probed.fps or 25):
                lines.append(f"duration {step - inpoint:.6f}")
        else:
            out = (job.end - segment.start).total_seconds()
            if out < probed.duration:
                lines.append(f"outpoint {probed.start + out:.6f}")
    last_segment, _path, last_probe = checked[-1]
    last_end = last_segment.start + timedelta(seconds=last_probe.duration)
    return Plan(
        coverage=cov,
        outages=list(outages_overlapping(job.camera, job.start, job.end)),
        covered_start=covered_start,
        expected_duration=max(0.1, (min(job.end, last_end) - covered_start).total_seconds()),
        concat_text="\n".join(lines) + "\n",
        height=first_probe.height,
        source_rows=rows,
        source_bytes=sum(row["size"] for row in rows),
    )
