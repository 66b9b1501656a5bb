"""Generated test and demo footage: real H.264 with the camera code and wall-clock time burned in.

Segments follow the recordings layout `<camera-code>/<YYYY-MM-DD>/<HH-MM-SS>.mp4` (UTC), as NVR
software writes them with ffmpeg's segment muxer. Every segment starts on a keyframe and the
keyframe interval divides the segment length, so segments join without gaps.
"""

import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .ffmpeg import escape_filter_value, ffmpeg_exe, font_path

IST_OFFSET_SECONDS = 5 * 3600 + 1800
# Vera's digits are 0.64 em wide; the label's other glyphs are no wider on average.
GLYPH_EM = 0.64


def label_font_size(width, text):
    """The largest font size, at most 14, at which `text` fits in a frame `width` pixels wide.

    A clock drawn past the frame's edge would leave footage of different times identical.
    """
    return max(6, min(14, int((width - 8) / (GLYPH_EM * len(text)))))


def segment_relpath(camera_code, start):
    start = start.astimezone(UTC)
    return Path(camera_code) / start.strftime("%Y-%m-%d") / start.strftime("%H-%M-%S.mp4")


def generate_segments(
    root,
    camera_code,
    start,
    seconds,
    *,
    segment_seconds=60,
    size="320x180",
    fps=10,
    gop_seconds=2,
    source="testsrc2",
    crf=None,
    preset="ultrafast",
):
    """Write `seconds` of footage for one camera from `start` (aware datetime) under `root`.

    Returns the paths written, in time order. One ffmpeg run per call. `source` is an ffmpeg
    test source (the demo uses the mostly still "smptebars" with `crf`, which compresses to a
    tenth of the size, like a real street camera's scene).
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if segment_seconds % gop_seconds:
        raise ValueError("segment_seconds must be a multiple of gop_seconds")
    start = start.astimezone(UTC).replace(microsecond=0)
    epoch = int(start.timestamp()) + IST_OFFSET_SECONDS
    label = escape_filter_value(camera_code)
    clock = "%{pts\\:gmtime\\:" + str(epoch) + "\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S} IST"
    # The label as drawn: the camera code, two spaces and "YYYY-MM-DD HH:MM:SS IST".
    fontsize = label_font_size(int(size.split("x")[0]), f"{camera_code}  0000-00-00 00:00:00 IST")
    drawtext = (
        f"drawtext=fontfile='{font_path()}':fontsize={fontsize}:fontcolor=white:box=1:"
        f"boxcolor=black@0.6:x=4:y=h-th-6:text='{label}  {clock}'"
    )
    root = Path(root)
    with tempfile.TemporaryDirectory(dir=root if root.exists() else None) as tmp:
        pattern = str(Path(tmp) / "part-%06d.mp4")
        command = [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-f",
            "lavfi",
            "-i",
            f"{source}=size={size}:rate={fps}:duration={seconds}",
            "-vf",
            drawtext,
            "-c:v",
            "libx264",
            "-preset",
            preset,
            *(["-crf", str(crf)] if crf is not None else []),
            "-pix_fmt",
            "yuv420p",
            "-g",
            str(fps * gop_seconds),
            "-keyint_min",
            str(fps * gop_seconds),
            "-sc_threshold",
            "0",
            "-force_key_frames",
            f"expr:gte(t,n_forced*{gop_seconds})",
            "-f",
            "segment",
            "-segment_time",
            str(segment_seconds),
            "-reset_timestamps",
            "1",
            "-segment_format",
            "mp4",
            pattern,
        ]
        subprocess.run(command, check=True, capture_output=True)
        written = []
        for index, part in enumerate(sorted(Path(tmp).glob("part-*.mp4"))):
            target = root / segment_relpath(
                camera_code, start + timedelta(seconds=index * segment_seconds)
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            part.replace(target)
            written.append(target)
    return written


def utc(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
