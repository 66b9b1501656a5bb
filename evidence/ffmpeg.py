"""Where the ffmpeg binary and the watermark font come from: pip packages, never the system."""

from pathlib import Path

import imageio_ffmpeg
import reportlab


def ffmpeg_exe():
    return imageio_ffmpeg.get_ffmpeg_exe()


def font_path():
    """Bitstream Vera, shipped inside the reportlab wheel."""
    return Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"


def escape_filter_value(text):
    """Escape free text for use as a drawtext `text=` value inside a filter graph."""
    for char in ("\\", "'", ":", "%", ",", ";", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text
