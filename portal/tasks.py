import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import mail_admins, send_mail

from . import audit

logger = logging.getLogger(__name__)


@shared_task
def verify_audit_chain():
    """Periodic: walk the audit chain and record the result; a break is also mailed out."""
    report = audit.verify_chain()
    audit.log(
        "portal.audit.verified" if report.ok else "portal.audit.chain_broken",
        details={
            "ok": report.ok,
            "checked": report.checked,
            "bad_seq": report.bad_seq,
            "reason": report.reason,
            "by": "scheduler",
        },
    )
    if report.ok:
        logger.info("audit chain intact: %d entries", report.checked)
        return
    logger.error("audit chain broken: %s", report.reason)
    subject = "Audit chain broken"
    mail_admins(subject, report.reason, fail_silently=True)
    if settings.CONTROL_ROOM_EMAILS:
        send_mail(subject, report.reason, None, settings.CONTROL_ROOM_EMAILS, fail_silently=True)
