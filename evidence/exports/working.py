"""ffmpeg arguments for the master copy (stream copy) and the working copy (watermarked)."""

import re
from math import ceil

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from .. import fonts
from ..ffmpeg import escape_filter_value

IST_OFFSET_SECONDS = 5 * 3600 + 1800
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# The case lines' box: text MARGIN px from the frame's corner, the box BORDER px around it.
MARGIN, BORDER, LINE_SPACING = 6, 3, 2
BOX_COLOR = (0, 0, 0, 153)  # black at 60 %, as the clock's drawtext box
SUPERSAMPLE = 4


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
    """The free-text lines of the watermark. They reach ffmpeg only as pixels of a PNG
    (watermark_image), so no character of a reference or station name is ever parsed as filter
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


def watermark_image(text, *, height):
    """The case lines as an RGBA image: white text on a box of black at 60 %, the look of the
    clock's drawtext box, sized relative to the video height.

    Pillow lays the text out with raqm (HarfBuzz, FriBiDi), which itemizes each line by script,
    so Devanagari conjuncts (क्ष, त्र) are typeset as in print; ffmpeg's drawtext shapes every
    line as Latin and would print them as half forms with a visible virama. Noto Sans
    Devanagari also draws all of Basic Latin, so one font serves both scripts."""
    # Drawn at SUPERSAMPLE times the size and scaled down: at a watermark's 10-20 px, hinted
    # glyphs on HarfBuzz's unhinted advances space Latin letters unevenly ("Ca me ra").
    scale = SUPERSAMPLE
    font = ImageFont.truetype(
        str(fonts.devanagari_path()),
        font_size(height) * scale,
        layout_engine=ImageFont.Layout.RAQM,
    )
    ascent, descent = font.getmetrics()
    pitch = ascent + descent + LINE_SPACING * scale
    lines = text.split("\n")
    # The box spans the advance (trailing spaces count) or the ink, whichever reaches further.
    width = max(
        max(font.getbbox(line, anchor="la")[2], ceil(font.getlength(line))) for line in lines
    )
    size = (
        ceil(width / scale) + 2 * BORDER,
        ceil((pitch * len(lines) - LINE_SPACING * scale) / scale) + 2 * BORDER,
    )
    ink = Image.new("L", (size[0] * scale, size[1] * scale), 0)
    draw = ImageDraw.Draw(ink)
    for number, line in enumerate(lines):
        origin = (BORDER * scale, BORDER * scale + number * pitch)
        draw.text(origin, line, font=font, fill=255, anchor="la")
    ink = ink.resize(size, Image.Resampling.BOX)
    image = Image.new("RGBA", size, BOX_COLOR)
    # Pasting through the coverage mask blends every band, alpha included: anti-aliased edges
    # go smoothly from the box to opaque white.
    image.paste((255, 255, 255, 255), mask=ink)
    return image


def write_watermark(job, path, *, height):
    """Write the job's case lines (watermark_text) as a PNG for the working copy's overlay."""
    watermark_image(watermark_text(job), height=height).save(path, format="PNG")


def font_size(height):
    return max(10, round(height / 26))


def watermark_graph(*, trim_start, trim_end, epoch, height):
    """The working copy's filter graph: input 0 (the joined segments) trimmed to the window,
    input 1 (the case-lines PNG, one frame) laid over it top left, each frame's IST wall-clock
    time drawn bottom right; output [v].

    The PNG is a single frame: `eof_action=repeat` keeps it on every frame and the main input
    alone decides where the output ends, so the trim stays frame-exact. No free text enters the
    graph: the clock is ASCII digits from an expansion of our own."""
    size = font_size(height)
    font = escape_filter_value(str(fonts.devanagari_path()))
    # pts of a frame counts from the master's first frame, whose UTC time is `epoch`.
    clock = (
        "%{pts\\:gmtime\\:"
        + f"{epoch + IST_OFFSET_SECONDS:.3f}"
        + "\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S} IST"
    )
    offset = MARGIN - BORDER
    return (
        f"[0:v:0]trim=start={trim_start:.6f}:end={trim_end:.6f}[clip];"
        f"[clip][1:v]overlay=x={offset}:y={offset}:eof_action=repeat,"
        f"drawtext=fontfile='{font}':fontsize={size}:fontcolor=white:box=1:boxcolor=black@0.6:"
        f"boxborderw={BORDER}:x=w-tw-{MARGIN}:y=h-th-{MARGIN}:text='{clock}',"
        "setpts=PTS-STARTPTS[v]"
    )


def working_args(concat_list, output, *, watermark, trim_start, trim_end, epoch, height):
    """Frame-exact trim to the window, watermark, H.264 yuv420p MP4 with +faststart.

    `watermark` is the PNG written by write_watermark; it is an input, not part of the graph."""
    graph = watermark_graph(trim_start=trim_start, trim_end=trim_end, epoch=epoch, height=height)
    return [
        *_concat_input(concat_list),
        "-i",
        watermark,
        "-filter_complex",
        graph,
        "-map",
        "[v]",
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
