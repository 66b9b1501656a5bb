"""ffmpeg arguments for the master copy (stream copy) and the working copy (watermarked)."""

import re

from django.conf import settings

from .. import fonts
from ..ffmpeg import escape_filter_value

IST_OFFSET_SECONDS = 5 * 3600 + 1800
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _concat_input(concat_list):
    # -safe 0: the list names absolute paths under RECORDINGS_ROOT, written by us.
    return ["-f", "concat", "-safe", "0", "-i", concat_list]


def master_args(concat_list, output):
    """Stream copy of the joined segments: the original encoded frames, nothing re-encoded."""
    return [
        *_concat_input(concat_list),
        "-map",
        "0:v:0",
        "-map",
        "0:a?",
        "-c",
        "copy",
        "-fflags",
        "+bitexact",
        "-f",
        "mp4",
        output,
    ]


def _clean(text):
    return _CONTROL.sub(" ", str(text or "")).strip()


def watermark_text(job):
    """The free-text lines of the watermark. They reach ffmpeg through a text file drawn with
    expansion off, so no character of a reference or station name is ever parsed as filter
    syntax or as a drawtext expansion."""
    case = job.case
    fir = _clean(case.get("fir_number"))
    if case.get("fir_year"):
        fir = f"{fir}/{_clean(case.get('fir_year'))}"
    lines = [
        f"Ref {_clean(case.get('reference')) or job.token[:12]}   FIR {fir or '-'}",
        f"Camera {job.camera.code}",
        f"Exported for {_clean(case.get('station_name')) or '-'}",
    ]
    return "\n".join(lines)


def watermark_filters(*, textfile, epoch, height):
    """drawtext filters: the case lines (top left) and each frame's IST wall-clock time.

    Noto Sans Devanagari draws Latin and Devanagari alike. drawtext shapes each line with
    HarfBuzz but always as Latin script, so some Devanagari conjuncts (क्ष, त्र) print as half
    forms with a visible virama: legible and exact, if not typeset as in print."""
    size = max(10, round(height / 26))
    font = escape_filter_value(str(fonts.devanagari_path()))
    common = f"fontfile='{font}':fontsize={size}:fontcolor=white:box=1:boxcolor=black@0.6"
    # pts of a frame counts from the master's first frame, whose UTC time is `epoch`.
    clock = (
        "%{pts\\:gmtime\\:"
        + f"{epoch + IST_OFFSET_SECONDS:.3f}"
        + "\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S} IST"
    )
    return [
        f"drawtext={common}:boxborderw=3:line_spacing=2:x=6:y=6:expansion=none:"
        f"textfile='{escape_filter_value(textfile)}'",
        f"drawtext={common}:boxborderw=3:x=w-tw-6:y=h-th-6:text='{clock}'",
    ]


def working_args(concat_list, output, *, textfile, trim_start, trim_end, epoch, height):
    """Frame-exact trim to the window, watermark, H.264 yuv420p MP4 with +faststart."""
    filters = [
        f"trim=start={trim_start:.6f}:end={trim_end:.6f}",
        *watermark_filters(textfile=textfile, epoch=epoch, height=height),
        "setpts=PTS-STARTPTS",
    ]
    return [
        *_concat_input(concat_list),
        "-map",
        "0:v:0",
        "-vf",
        ",".join(filters),
        *encoder_args(),
        "-fflags",
        "+bitexact",
        "-f",
        "mp4",
        output,
    ]


def encoder_args():
    return [
        "-c:v",
        "libx264",
        "-preset",
        settings.EXPORT_X264_PRESET,
        "-crf",
        str(settings.EXPORT_X264_CRF),
        "-pix_fmt",
        "yuv420p",
        "-fps_mode",
        "passthrough",
        "-an",
        "-movflags",
        "+faststart",
    ]
