"""The recording-health watchdog: notice within minutes, not weeks, that footage stopped.

A camera is *not recording* when its newest footage ended more than WATCHDOG_THRESHOLD_MINUTES
ago. An outage is opened for it (starting when its footage stopped) once it has been silent for
one more grace period, so that cameras of one recorder stopping a few seconds apart are seen
together: when every active camera of a recorder (two or more) is silent, one recorder outage
is opened instead of one per camera. The control room is alerted once per outage and told once
when footage returns; the outage is then closed and kept as the answer to "why is there no
footage for 14:00-14:30?".
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal import audit, roles

from ..models import Camera, Outage, Segment

logger = logging.getLogger(__name__)

# The grace period: roughly one watchdog interval (the task runs every minute).
GROUPING_SECONDS = 90
_ADVISORY_LOCK_KEY = 0x5741544348  # "WATCH": one watchdog run at a time


@dataclass
class WatchdogReport:
    opened: list = field(default_factory=list)
    closed: list = field(default_factory=list)
    alerted: list = field(default_factory=list)
    recovered: list = field(default_factory=list)
    status_changes: dict = field(default_factory=dict)  # camera code -> new status


def check_recording_health(*, now=None):
    """Compare every active camera's newest footage with `now`; open, alert and close outages.

    Guarantees: at most one open outage per camera and per recorder; each outage alerts the
    control room exactly once and sends exactly one recovery notice; mail leaves only after
    the transaction commits. Every change is in the audit log. Returns a WatchdogReport.
    """
    now = now or timezone.now()
    threshold = timedelta(minutes=settings.WATCHDOG_THRESHOLD_MINUTES)
    due = threshold + timedelta(seconds=GROUPING_SECONDS)
    report = WatchdogReport()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        cameras = list(Camera.objects.filter(active=True).select_related("recorder"))
        open_outages = list(Outage.objects.filter(ended_at__isnull=True))
        for outage in open_outages:
            if outage.camera_id and outage.camera_id not in {c.pk for c in cameras}:
                # Taken out of service: nothing more will come; close without a recovery notice.
                outage.reason = f"{outage.reason}; camera taken out of service"[:300]
                outage.recovery_notified_at = now
                outage.save(update_fields=["reason", "recovery_notified_at"])
                _close(report, outage, now, Segment.objects.none())
        camera_outages = {o.camera_id: o for o in open_outages if o.camera_id}
        recorder_outages = {o.recorder_id: o for o in open_outages if not o.camera_id}
        by_recorder = defaultdict(list)
        for camera in cameras:
            by_recorder[camera.recorder_id].append(camera)

        for group in by_recorder.values():
            recorder = group[0].recorder
            silent = [c for c in group if _silent_for(c, now) > threshold]
            recorder_down = len(group) >= 2 and len(silent) == len(group)
            outage = recorder_outages.get(recorder.pk)
            if recorder_down and outage is None:
                _open(report, now, recorder=recorder, cameras=group)
            elif outage is not None and not recorder_down:
                _close(report, outage, now, Segment.objects.filter(camera__recorder=recorder))
            for camera in group:
                silence = _silent_for(camera, now)
                _set_status(report, camera, silence > threshold)
                outage = camera_outages.get(camera.pk)
                if outage is None and silence > due and not recorder_down:
                    _open(report, now, camera=camera)
                elif outage is not None and silence <= threshold:
                    _close(report, outage, now, Segment.objects.filter(camera=camera))
        if report.status_changes:
            audit.log("evidence.camera.status_changed", details=report.status_changes)
        _send_alerts(report, now)
    return report


def _silent_for(camera, now):
    if camera.last_segment_end is None:
        return timedelta.max
    return now - camera.last_segment_end


def _set_status(report, camera, silent):
    status = Camera.Status.NOT_RECORDING if silent else Camera.Status.RECORDING
    if camera.status != status:
        Camera.objects.filter(pk=camera.pk).update(status=status)
        camera.status = status
        report.status_changes[camera.code] = status


def _open(report, now, *, camera=None, recorder=None, cameras=()):
    if camera is not None:
        started = camera.last_segment_end or now
        reason = f"camera {camera.code} wrote no footage"
        outage = Outage.objects.create(camera=camera, started_at=started, reason=reason)
    else:
        ends = [c.last_segment_end for c in cameras if c.last_segment_end]
        started = min(ends) if ends else now
        codes = ", ".join(c.code for c in cameras)
        reason = (
            f"all {len(cameras)} cameras of recorder {recorder.code} wrote no footage ({codes})"
        )
        outage = Outage.objects.create(recorder=recorder, started_at=started, reason=reason[:300])
    audit.log(
        "evidence.outage.opened",
        obj=outage,
        details={
            "camera": camera.code if camera else None,
            "recorder": recorder.code if recorder else None,
            "started_at": started,
            "detected_at": now,
        },
    )
    report.opened.append(outage)


def _close(report, outage, now, segments):
    """Close at the start of the first footage written after the outage began."""
    returned = (
        segments.filter(status=Segment.Status.OK, start__gte=outage.started_at)
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    outage.ended_at = min(returned or now, now)
    outage.save(update_fields=["ended_at"])
    audit.log(
        "evidence.outage.closed",
        obj=outage,
        details={"ended_at": outage.ended_at, "detected_at": now},
    )
    report.closed.append(outage)


def control_room_recipients():
    """{language: [email]}: CONTROL_ROOM_EMAILS plus every active operator and supervisor."""
    recipients = defaultdict(set)
    for email in settings.CONTROL_ROOM_EMAILS:
        recipients[settings.LANGUAGE_CODE].add(email)
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles.CONTROL_ROOM)
        .exclude(email="")
    )
    for email, language in users.values_list("email", "preferred_language"):
        recipients[language or settings.LANGUAGE_CODE].add(email)
    return {language: sorted(emails) for language, emails in recipients.items()}


def _send_alerts(report, now):
    pending_alerts = Outage.objects.select_for_update(of=("self",)).filter(
        ended_at__isnull=True, alerted_at__isnull=True
    )
    pending_recoveries = Outage.objects.select_for_update(of=("self",)).filter(
        ended_at__isnull=False, alerted_at__isnull=False, recovery_notified_at__isnull=True
    )
    for outage in pending_alerts.select_related("camera", "recorder"):
        outage.alerted_at = now
        outage.save(update_fields=["alerted_at"])
        _mail(outage, "emails/recording_outage", "evidence.outage.alerted")
        report.alerted.append(outage)
    for outage in pending_recoveries.select_related("camera", "recorder"):
        outage.recovery_notified_at = now
        outage.save(update_fields=["recovery_notified_at"])
        _mail(outage, "emails/recording_resumed", "evidence.outage.recovery_notified")
        report.recovered.append(outage)


def _mail(outage, template, action):
    recipients = control_room_recipients()
    audit.log(
        action,
        obj=outage,
        details={"recipients": sum(len(emails) for emails in recipients.values())},
    )
    context = {
        "outage": outage,
        "subject_label": str(outage.recorder or outage.camera),
        "cameras": list(outage.recorder.cameras.filter(active=True)) if outage.recorder else [],
        "site_url": settings.SITE_URL,
    }
    messages = []
    for language, emails in recipients.items():
        with translation.override(language):
            # One line: a camera name must never break (or add to) the mail's headers.
            subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
            body = render_to_string(f"{template}.txt", context)
        messages.append((subject, body, emails))

    def send():
        for subject, body, emails in messages:
            try:
                send_mail(subject, body, None, emails)
            except Exception:  # a mail server problem must not undo the outage record
                logger.exception("could not send the recording alert to %s", emails)

    transaction.on_commit(send)


def open_outages():
    """Open outages, newest first, for banners and the health page."""
    return Outage.objects.filter(ended_at__isnull=True).select_related("camera", "recorder")
