from django.core.management.base import BaseCommand

from portal import audit


class Command(BaseCommand):
    help = "Walk the audit hash chain. Exit 0 when intact, 1 naming the first bad entry."

    def handle(self, *args, **options):
        report = audit.verify_chain()
        if report.ok:
            self.stdout.write(f"OK: audit chain intact, {report.checked} entries")
            return
        self.stderr.write(f"BROKEN: {report.reason}")
        raise SystemExit(1)
