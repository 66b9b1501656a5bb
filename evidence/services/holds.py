"""Preservation holds: footage under a hold is never purged by retention."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit

from ..models import PreservationHold

_HOLDS_LOCK_BASE = 0x484F4C44 << 32  # "HOLD", plus the camera id: one lock per camera


def lock_holds_of(camera_id):
    """Serialize, per camera, placing holds and purging footage (inside a transaction).

    The retention purge takes this lock before it decides what is unheld, so a hold placed
    concurrently is either seen by the purge or committed after it. An advisory lock, not a
    row lock, so it never entangles with other updates of the camera row.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_HOLDS_LOCK_BASE + camera_id])
    # SQLite: IMMEDIATE transactions already serialize all writers.


class HoldError(Exception):
    """A hold that cannot be placed; the message is translated and safe to show."""


def place_hold(
    *, camera, start, end, reason, actor=None, linked_type="", linked_id="", linked_label=""
):
    """Place a hold on (camera, [start, end)) and log it. Returns the hold."""
    if end <= start:
        raise HoldError(_("A hold must end after it starts."))
    with transaction.atomic():
        lock_holds_of(camera.pk)
        hold = PreservationHold.objects.create(
            camera=camera,
            start=start,
            end=end,
            reason=reason[:300],
            created_by=actor,
            linked_type=linked_type,
            linked_id=str(linked_id),
            linked_label=linked_label[:200],
        )
        audit.log(
            "evidence.hold.placed",
            actor=actor,
            obj=hold,
            details={
                "camera": camera.code,
                "start": start,
                "end": end,
                "reason": hold.reason,
                "linked": f"{linked_type}:{linked_id}" if linked_type else "",
            },
        )
    return hold


def release_holds(*, linked_type, linked_id, actor=None):
    """Release every active hold linked to the object; returns how many were released."""
    with transaction.atomic():
        holds = list(
            PreservationHold.objects.select_for_update().filter(
                linked_type=linked_type, linked_id=str(linked_id), released_at__isnull=True
            )
        )
        now = timezone.now()
        for hold in holds:
            hold.released_at = now
            hold.released_by = actor
            hold.save(update_fields=["released_at", "released_by"])
            audit.log(
                "evidence.hold.released",
                actor=actor,
                obj=hold,
                details={"camera": hold.camera.code},
            )
    return len(holds)


def release_hold(*, hold, actor=None):
    """Release one hold (e.g. from the admin); a released hold stays released. Logged."""
    with transaction.atomic():
        hold = PreservationHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            return False
        hold.released_at = timezone.now()
        hold.released_by = actor
        hold.save(update_fields=["released_at", "released_by"])
        audit.log(
            "evidence.hold.released", actor=actor, obj=hold, details={"camera": hold.camera.code}
        )
    return True


def active_holds_overlapping(camera, start, end):
    return PreservationHold.objects.filter(
        camera=camera, released_at__isnull=True, start__lt=end, end__gt=start
    )
