from django.core.management.base import BaseCommand

from portal import demo
from requests_app import demo as requests_demo


class Command(BaseCommand):
    help = "Load demo stations and one user per role (idempotent), then print the logins."

    def handle(self, *args, **options):
        accounts = demo.seed_accounts()
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, role, created in accounts:
            note = "created" if created else "exists"
            self.stdout.write(f"  {username:<12} {role:<26} ({note})")
        requests_demo.seed_requests(self.stdout)
