"""Run the web server, a Celery worker and the scheduler; stop them all on Ctrl-C or if one dies."""

import os
import signal
import subprocess
import sys
import time

port = sys.argv[1] if len(sys.argv) > 1 else "8000"
python = sys.executable
commands = {
    "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
    "worker": [
        python,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "--loglevel=INFO",
        "--queues=default,exports",
        "--concurrency=2",
    ],
    "scheduler": [python, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO"],
}

processes = {}
for name, command in commands.items():
    # Each child in its own process group, so stopping it also stops what it started (ffmpeg).
    processes[name] = subprocess.Popen(command, start_new_session=True)  # noqa: S603
print(
    f"\nPortal: http://127.0.0.1:{port}/  (Ctrl-C stops the server, worker and scheduler)\n",
    flush=True,
)


def stop_all(*_args):
    for process in processes.values():
        if process.poll() is None:
            process.terminate()  # each program shuts its own children down cleanly
    deadline = time.monotonic() + 10
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    sys.exit(0)


signal.signal(signal.SIGINT, stop_all)
signal.signal(signal.SIGTERM, stop_all)
while True:
    for name, process in processes.items():
        if process.poll() is not None:
            print(
                f"{name} stopped with exit code {process.returncode}; stopping the rest.",
                flush=True,
            )
            stop_all()
    time.sleep(1)
