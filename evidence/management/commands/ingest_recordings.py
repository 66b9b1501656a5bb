from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evidence.services.ingest import ingest_recordings


class Command(BaseCommand):
    help = (
        "Index new recording segments under ROOT (default RECORDINGS_ROOT): probe, hash and "
        "record each file once. Safe to repeat; only new paths are read."
    )

    def add_arguments(self, parser):
        parser.add_argument("root", nargs="?", help="recordings folder (default RECORDINGS_ROOT)")
        parser.add_argument(
            "--since-hours",
            type=int,
            help="only walk dated folders of the last N hours (default: everything)",
        )
        parser.add_argument(
            "--settle-seconds",
            type=int,
            help="skip files modified this recently (default INGEST_SETTLE_SECONDS)",
        )

    def handle(self, *args, root=None, since_hours=None, settle_seconds=None, **options):
        since = timezone.now() - timedelta(hours=since_hours) if since_hours else None
        try:
            report = ingest_recordings(
                root=Path(root) if root else None, since=since, settle_seconds=settle_seconds
            )
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        if report.busy:
            raise CommandError("another ingest run is in progress; try again in a minute")
        out = self.stdout
        out.write(f"Recordings root: {report.root}")
        out.write(f"  indexed:        {report.indexed}")
        out.write(f"  unreadable:     {report.unreadable}")
        out.write(f"  already known:  {report.already_known}")
        out.write(f"  still writing:  {report.still_writing} (next run)")
        out.write(f"  not in layout:  {report.ignored}")
        for code, count in sorted(report.per_camera.items()):
            out.write(f"  camera {code}: {count} new segment(s)")
        for code, count in sorted(report.unknown_cameras.items()):
            out.write(
                self.style.WARNING(
                    f"  unknown camera code {code!r}: {count} file(s) not indexed "
                    "(add the camera in the admin, then run again)"
                )
            )
        for path in report.refused:
            out.write(self.style.ERROR(f"  refused (leaves the recordings root): {path}"))
