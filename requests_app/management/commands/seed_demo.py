from django.core.management.base import BaseCommand

from evidence import demo as evidence_demo
from portal import demo
from requests_app import demo as requests_demo


class Command(BaseCommand):
    help = (
        "Load demo stations, one user per role, cameras and generated footage of the last "
        "hours (idempotent), then print the logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-footage", action="store_true", help="create the cameras but generate no footage"
        )
        parser.add_argument(
            "--footage-hours",
            type=float,
            default=evidence_demo.HOURS,
            help="how far back the demo footage reaches (default %(default)s)",
        )

    def handle(self, *args, no_footage=False, footage_hours=evidence_demo.HOURS, **options):
        accounts = demo.seed_accounts()
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, role, created in accounts:
            note = "created" if created else "exists"
            self.stdout.write(f"  {username:<12} {role:<26} ({note})")

        cameras = evidence_demo.seed_cameras()
        self.stdout.write("Demo cameras:")
        for camera, created in cameras:
            note = "created" if created else "exists"
            self.stdout.write(f"  {camera.code:<16} {camera.name:<34} ({note})")
        if no_footage:
            return
        self.stdout.write(f"Generating demo footage for the last {footage_hours:g} hour(s)...")
        report = evidence_demo.extend_footage(hours=footage_hours)
        written = sum(report.written.values())
        self.stdout.write(
            f"  {written} new one-minute segment(s) written, {report.ingest.indexed} indexed"
            f" (camera {evidence_demo.BROKEN_CAMERA} has a deliberate outage gap)"
        )
        requests_demo.seed_requests(self.stdout)
