"""The job path end to end: a real Celery worker process on Redis against the test database."""

from portal import tasks
from portal.models import AuditEntry
from tests.services import wait_for


def test_real_worker_runs_the_audit_verification(celery_worker):
    from portal import audit

    audit.log("test.before_worker")
    tasks.verify_audit_chain.delay()

    def verified():
        """the worker's portal.audit.verified entry"""
        return AuditEntry.objects.filter(action="portal.audit.verified").first()

    entry = wait_for(verified, timeout=60)
    assert entry.details["ok"] is True
    assert entry.details["checked"] == 1
