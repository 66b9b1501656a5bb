"""Generated footage carries its camera code and wall-clock time in every frame."""

import subprocess
from datetime import timedelta

import pytest

from evidence import hashing
from evidence.ffmpeg import ffmpeg_exe
from evidence.footage import generate_segments, label_font_size, utc

pytestmark = pytest.mark.slow

T0 = utc(2026, 11, 20, 10, 0, 0)


def first_frame(path):
    """The first frame's raw RGB pixels."""
    return subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-frames:v", "1"]
        + ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True,
        capture_output=True,
    ).stdout


@pytest.mark.parametrize("size", ["160x90", "320x180"])
def test_footage_of_different_times_differs_at_every_size(tmp_path, size):
    """The burned-in clock must be inside the frame, so another minute is other footage."""
    early = generate_segments(tmp_path / "a", "cam-auto-stand", T0, 2, segment_seconds=2, size=size)
    later = generate_segments(
        tmp_path / "b", "cam-auto-stand", T0 + timedelta(minutes=1), 2, segment_seconds=2, size=size
    )
    assert hashing.sha256_file(early[0]) != hashing.sha256_file(later[0])
    assert first_frame(early[0]) != first_frame(later[0])


def test_label_font_size_fits_the_width_and_stays_readable_when_it_can():
    label = "cam-auto-stand  2026-11-20 15:30:00 IST"
    assert label_font_size(1920, label) == 14
    assert label_font_size(160, label) * 0.64 * len(label) <= 160 - 8
    assert label_font_size(10, label) == 6
