"""Running ffmpeg as a killable child with progress, and probing files with PyAV."""

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import threading
from collections import deque
from dataclasses import dataclass

import av

from .ffmpeg import ffmpeg_exe

logger = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def _child_setup():
    # Own process group (killable as a whole), and die with the worker if it is killed -9.
    os.setpgrp()
    # Not on Linux: no parent-death signal, but the soft time limit still kills the group.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class FfmpegError(Exception):
    def __init__(self, message, *, returncode=None, stderr=""):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr

    @property
    def disk_full(self):
        return "No space left on device" in self.stderr


def run_ffmpeg(args, *, duration=None, on_progress=None, cwd=None):
    """Run ffmpeg with `args`; call `on_progress(fraction)` from its `-progress` output.

    The child runs in its own process group and is killed (with everything it started) if
    this function is left by any exception, including Celery's SoftTimeLimitExceeded.
    Raises FfmpegError with the tail of its log on a non-zero exit.
    """
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-nostats",
        "-progress",
        "pipe:1",
        *args,
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        preexec_fn=_child_setup,  # noqa: PLW1509
    )
    stderr_tail = deque(maxlen=40)
    reader = threading.Thread(
        target=lambda: stderr_tail.extend(
            line.decode(errors="replace").rstrip() for line in process.stderr
        ),
        daemon=True,
    )
    reader.start()
    try:
        for raw in process.stdout:
            key, _sep, value = raw.decode(errors="replace").strip().partition("=")
            if key == "out_time_us" and duration and on_progress and value.isdigit():
                on_progress(min(1.0, int(value) / 1e6 / duration))
        returncode = process.wait()
    except BaseException:
        kill(process)
        raise
    reader.join(timeout=5)
    if returncode != 0:
        tail = "\n".join(stderr_tail)
        raise FfmpegError(
            f"ffmpeg exited with status {returncode}: {tail[-500:]}",
            returncode=returncode,
            stderr=tail,
        )
    return process


def kill(process):
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass(frozen=True)
class Probe:
    codec: str
    start: float  # the first frame's timestamp in the file, seconds
    duration: float  # seconds, from the first to the end of the last video frame
    frames: int
    width: int
    height: int
    fps: float
    keyframes: tuple  # keyframe times in seconds, from the first frame


def probe(path):
    """Demux (without decoding) the first video stream of `path`.

    Raises av.error.FFmpegError (or ValueError without a video stream) for unreadable files.
    """
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise ValueError("no video stream")
        stream = container.streams.video[0]
        base = stream.time_base
        first = None
        last_end = None
        frames = 0
        keyframes = []
        for packet in container.demux(stream):
            if packet.size == 0 or packet.pts is None:
                continue
            pts = float(packet.pts * base)
            first = pts if first is None else min(first, pts)
            end = pts + float((packet.duration or 0) * base)
            last_end = end if last_end is None else max(last_end, end)
            frames += 1
            if packet.is_keyframe:
                keyframes.append(pts)
        if frames == 0:
            raise ValueError("no video frames")
        rate = stream.average_rate or stream.guessed_rate
        return Probe(
            codec=stream.codec_context.name,
            start=first,
            duration=last_end - first,
            frames=frames,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            fps=float(rate) if rate else 0.0,
            keyframes=tuple(kf - first for kf in sorted(keyframes)),
        )


def keyframe_at_or_before(path, offset):
    """Time (from the file's first frame) of the last keyframe at or before `offset` seconds."""
    keyframes = probe(path).keyframes
    chosen = keyframes[0]
    for time in keyframes:
        if time <= offset + 1e-6:
            chosen = time
        else:
            break
    return chosen
