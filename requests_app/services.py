"""The request workflow: one transition() path for every status change.

Each change runs in the same order: check the actor's right and the input (a RequestError a user
can read), then inside one transaction lock the row, change the state, write the timeline entry
and the audit event, run the state's side effects (holds, exports); after commit, the emails.
"""

import contextlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence.services import holds
from portal import audit, roles

from . import notifications
from .models import FootageRequest, Status, StatusChange
from .permissions import station_group

# How holds and export jobs name what they belong to (evidence does not know our models).
REQUEST_LINK = "requests_app.footagerequest"
ITEM_LINK = "requests_app.requestitem"


class RequestError(Exception):
    """A refused or invalid request operation; the message is translated and safe to show."""


# Who may take each step. "requester" is the filer, or any officer of the station for a
# request the station filed; "station" is an officer of the request's station; "system" is no
# user at all (the export pipeline).
TRANSITIONS = {
    (Status.SUBMITTED, Status.AWAITING_ENDORSEMENT): "filer",
    (Status.SUBMITTED, Status.UNDER_REVIEW): "filer",
    (Status.AWAITING_ENDORSEMENT, Status.UNDER_REVIEW): "station",
    (Status.AWAITING_ENDORSEMENT, Status.NEEDS_INFORMATION): "station",
    (Status.AWAITING_ENDORSEMENT, Status.REJECTED): "station",
    (Status.AWAITING_ENDORSEMENT, Status.FOOTAGE_UNAVAILABLE): "control_room",
    (Status.AWAITING_ENDORSEMENT, Status.WITHDRAWN): "requester",
    (Status.SUBMITTED, Status.WITHDRAWN): "requester",
    (Status.UNDER_REVIEW, Status.NEEDS_INFORMATION): "control_room",
    (Status.UNDER_REVIEW, Status.APPROVED): "supervisor",
    (Status.UNDER_REVIEW, Status.REJECTED): "supervisor",
    (Status.UNDER_REVIEW, Status.FOOTAGE_UNAVAILABLE): "control_room",
    (Status.UNDER_REVIEW, Status.WITHDRAWN): "requester",
    (Status.NEEDS_INFORMATION, Status.AWAITING_ENDORSEMENT): "requester",
    (Status.NEEDS_INFORMATION, Status.UNDER_REVIEW): "requester",
    (Status.NEEDS_INFORMATION, Status.WITHDRAWN): "requester",
    (Status.NEEDS_INFORMATION, Status.FOOTAGE_UNAVAILABLE): "control_room",
    (Status.APPROVED, Status.EXPORTING): "control_room",
    (Status.EXPORTING, Status.READY): "system",
    (Status.EXPORTING, Status.FOOTAGE_UNAVAILABLE): "control_room",
    (Status.READY, Status.DELIVERED): "station",
    (Status.DELIVERED, Status.CLOSED): "station_or_control_room",
}

# Steps taken by the code itself (filing, approval, the export pipeline, the first download),
# never offered as buttons.
AUTOMATIC = {
    (Status.SUBMITTED, Status.AWAITING_ENDORSEMENT),
    (Status.SUBMITTED, Status.UNDER_REVIEW),
    (Status.APPROVED, Status.EXPORTING),
    (Status.EXPORTING, Status.READY),
    (Status.READY, Status.DELIVERED),
}

REASON_REQUIRED = {Status.REJECTED, Status.NEEDS_INFORMATION, Status.FOOTAGE_UNAVAILABLE}
RELEASES_HOLDS = {Status.REJECTED, Status.WITHDRAWN, Status.FOOTAGE_UNAVAILABLE, Status.CLOSED}

ACTION_LABELS = {
    Status.UNDER_REVIEW: gettext_lazy("Endorse and send to the control room"),
    Status.NEEDS_INFORMATION: gettext_lazy("Ask the requester for information"),
    Status.APPROVED: gettext_lazy("Approve and start the exports"),
    Status.REJECTED: gettext_lazy("Reject"),
    Status.FOOTAGE_UNAVAILABLE: gettext_lazy("Footage unavailable"),
    Status.WITHDRAWN: gettext_lazy("Withdraw the request"),
    Status.CLOSED: gettext_lazy("Close"),
}
ANSWER_LABEL = gettext_lazy("Send the answer")


def _is_station_officer(actor, request):
    return actor.role == roles.STATION_OFFICER and actor.station_id == request.station_id


def _may(rule, actor, request):
    if rule == "system":
        return actor is None
    if actor is None or not actor.is_authenticated:
        return False
    if rule == "filer":
        return actor.pk == request.filed_by_id
    if rule == "requester":
        return actor.pk == request.filed_by_id or (
            request.origin == FootageRequest.Origin.STATION and _is_station_officer(actor, request)
        )
    if rule == "station":
        return _is_station_officer(actor, request)
    if rule == "control_room":
        return actor.role in roles.CONTROL_ROOM
    if rule == "supervisor":
        return actor.role == roles.SUPERVISOR
    if rule == "station_or_control_room":
        return _is_station_officer(actor, request) or actor.role in roles.CONTROL_ROOM
    raise ValueError(rule)


def _check(request, to, actor, reason):
    """Raise RequestError unless `actor` may move `request` (as it is now) to `to`."""
    step = (request.status, to)
    rule = TRANSITIONS.get(step)
    if rule is None:
        raise RequestError(
            _("A request that is %(current)s cannot become %(target)s.")
            % {"current": request.get_status_display(), "target": Status(to).label}
        )
    if not _may(rule, actor, request):
        raise RequestError(_("You may not make this change to the request."))
    origin_citizen = request.origin == FootageRequest.Origin.CITIZEN
    if step == (Status.SUBMITTED, Status.AWAITING_ENDORSEMENT) and not origin_citizen:
        raise RequestError(_("Only a citizen's request waits for the station's endorsement."))
    if step == (Status.SUBMITTED, Status.UNDER_REVIEW) and origin_citizen:
        raise RequestError(_("A citizen's request needs the station's endorsement first."))
    if is_answer(request, to):
        if to != request.paused_from:
            raise RequestError(_("The answer goes back to the step that asked for it."))
        if not reason.strip():
            raise RequestError(_("Write your answer."))
    if to in REASON_REQUIRED and not reason.strip():
        raise RequestError(_("Give a reason."))
    if to == Status.APPROVED and actor.pk in (request.filed_by_id, request.prepared_by_id):
        raise RequestError(_("Four eyes: you cannot approve a request that you filed or prepared."))


def is_answer(request, to):
    """Leaving NEEDS_INFORMATION for a review step is the requester's answer."""
    return request.status == Status.NEEDS_INFORMATION and to in (
        Status.AWAITING_ENDORSEMENT,
        Status.UNDER_REVIEW,
    )


def needs_text(request, to):
    return to in REASON_REQUIRED or is_answer(request, to)


def allowed_transitions(request, actor):
    """The statuses `actor` may move `request` to by hand, for the detail page's buttons."""
    allowed = []
    for (source, target), _rule in TRANSITIONS.items():
        if source != request.status or (source, target) in AUTOMATIC:
            continue
        try:
            # The reason is checked when the form is sent; here only the right matters.
            _check(request, target, actor, reason="-")
        except RequestError:
            continue
        allowed.append(target)
    return allowed


def transition(request, to, *, actor, reason="", now=None):
    """Move `request` to status `to` on behalf of `actor` (None: the system) and return it.

    Guarantees: the step is allowed from the current (locked, re-read) status and for this
    actor, or RequestError is raised and nothing changes; the timeline entry, the audit event
    and the side effects (holds released, exports started, due date moved by paused time)
    commit together; the emails go out only after the commit.
    """
    to = Status(to)
    reason = (reason or "").strip()
    now = now or timezone.now()
    with transaction.atomic():
        locked = FootageRequest.objects.select_for_update().get(pk=request.pk)
        _check(locked, to, actor, reason)
        source = Status(locked.status)
        fields = ["status", "status_changed_at", "updated_at"]
        if to == Status.NEEDS_INFORMATION:
            locked.paused_at, locked.paused_from = now, source
            fields += ["paused_at", "paused_from"]
        elif source == Status.NEEDS_INFORMATION:
            locked.paused_seconds += int((now - locked.paused_at).total_seconds())
            locked.paused_at, locked.paused_from = None, ""
            locked.due_at = due_date(locked)
            fields += ["paused_at", "paused_from", "paused_seconds", "due_at"]
        if source == Status.AWAITING_ENDORSEMENT and to == Status.UNDER_REVIEW:
            locked.endorsed_by = actor
            fields.append("endorsed_by")
        if to == Status.APPROVED:
            locked.approved_by = actor
            fields.append("approved_by")
        locked.status, locked.status_changed_at = to, now
        locked.save(update_fields=fields)
        StatusChange.objects.create(
            request=locked, from_status=source, to_status=to, actor=actor, reason=reason, at=now
        )
        audit.log(
            f"requests.request.{to.value}",
            actor=actor,
            obj=locked,
            details={"from": source.value, "to": to.value, "reason": reason},
        )
        if to in RELEASES_HOLDS:
            holds.release_holds(linked_type=REQUEST_LINK, linked_id=locked.pk, actor=actor)
        transaction.on_commit(
            lambda pk=locked.pk, source=source, to=to, reason=reason: notifications.status_changed(
                pk, source=source, target=to, reason=reason
            )
        )
        if to == Status.APPROVED:
            _start_exports(locked, actor=actor)
            locked = transition(locked, Status.EXPORTING, actor=actor, now=now)
    request.refresh_from_db()
    return request


def mark_prepared(*, request, actor, note=""):
    """Record that `actor` (control room) reviewed and prepared `request` for approval.

    The preparer can no longer approve it (four eyes). Logged.
    """
    if actor.role not in roles.CONTROL_ROOM:
        raise RequestError(_("Only the control room prepares requests."))
    with transaction.atomic():
        locked = FootageRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != Status.UNDER_REVIEW:
            raise RequestError(_("Only a request under review can be prepared."))
        if locked.prepared_by_id not in (None, actor.pk):
            # Taking over the preparation would let the first preparer approve it.
            raise RequestError(
                _("%(name)s has already prepared this request.")
                % {"name": locked.prepared_by.display_name}
            )
        locked.prepared_by = actor
        locked.save(update_fields=["prepared_by", "updated_at"])
        audit.log(
            "requests.request.prepared", actor=actor, obj=locked, details={"note": note[:500]}
        )
    request.refresh_from_db()
    return request


# --- due dates -----------------------------------------------------------------------------


def due_date(request, *, items=None):
    """The earlier of the service deadline (paused time not counted) and the moment the oldest
    footage of the request would be overwritten without its hold."""
    service = (
        request.filed_at
        + timedelta(hours=settings.REQUEST_REVIEW_HOURS)
        + timedelta(seconds=request.paused_seconds)
    )
    starts = [item.start for item in (items if items is not None else request.items.all())]
    if not starts:
        return service
    overwritten = min(starts) + timedelta(days=settings.RETENTION_DAYS)
    return min(service, overwritten)


def effective_due(request, *, now=None):
    """The due date as of now: while the clock is paused the deadline moves with the pause."""
    if request.paused_at is None:
        return request.due_at
    now = now or timezone.now()
    paused = request.paused_seconds + int((now - request.paused_at).total_seconds())
    original = request.paused_seconds
    try:
        request.paused_seconds = paused
        return due_date(request)
    finally:
        request.paused_seconds = original


# --- exports -------------------------------------------------------------------------------


def case_facts(request):
    """The frozen case facts an export job and its certificate print."""
    return {
        "reference": request.reference,
        "fir_number": request.fir_number,
        "fir_year": request.fir_year,
        "fir_date": request.fir_date.isoformat(),
        "station_code": request.station.code,
        "station_name": request.station.name,
        "requester": request.filed_by.display_name,
        "approver": request.approved_by.display_name if request.approved_by else "",
        "operator": request.prepared_by.display_name if request.prepared_by else "",
        "purpose": request.purpose,
        "incident_place": request.incident_place,
    }


def _start_exports(request, *, actor):
    """One export job per item, with the frozen case facts; the station's officers (as a
    group, so officers who join later too) may download the results."""
    from evidence.services import exports

    case = case_facts(request)
    group = station_group(request.station)
    for number, item in enumerate(request.items.select_related("camera"), start=1):
        try:
            job = exports.request_export(
                camera=item.camera,
                start=item.start,
                end=item.end,
                case=case,
                actor=actor,
                linked_type=ITEM_LINK,
                linked_id=str(item.pk),
                linked_label=f"{request.reference} #{number}",
            )
        except exports.ExportError as error:
            raise RequestError(str(error)) from error
        item.export_job = job
        item.save(update_fields=["export_job"])
        exports.grant_download_to_group(job=job, group=group, actor=actor)


def retry_item_export(*, request, item, actor):
    """Queue a failed item's export job again (control room only). Logged by evidence."""
    from evidence.services import exports

    if actor.role not in roles.CONTROL_ROOM:
        raise RequestError(_("Only the control room retries exports."))
    if request.status != Status.EXPORTING or item.request_id != request.pk or not item.export_job:
        raise RequestError(_("This item has no export to retry."))
    try:
        exports.retry_export(job=item.export_job, actor=actor)
    except exports.ExportError as error:
        raise RequestError(str(error)) from error


def export_job_changed(*, job):
    """Called for every status change of an item's export job: when every item's job has
    succeeded, the request becomes ready. Safe to call twice (the second call does nothing)."""
    from .models import RequestItem

    item = RequestItem.objects.select_related("request").filter(pk=job.linked_id).first()
    if item is None or item.request.status != Status.EXPORTING:
        return
    request = item.request
    pending = request.items.filter(export_job__isnull=True).exists() or (
        request.items.exclude(export_job__status="succeeded").exists()
    )
    if pending:
        return
    # Another job's signal may have made it ready first: then there is nothing to do.
    with contextlib.suppress(RequestError):
        transition(request, Status.READY, actor=None)


def record_download(*, job, user):
    """The first download of an item's export by an officer of the station delivers the
    request. Safe to call on every download."""
    from .models import RequestItem

    item = RequestItem.objects.select_related("request").filter(pk=job.linked_id).first()
    if item is None or item.request.status != Status.READY:
        return
    if not _is_station_officer(user, item.request):
        return
    # A parallel download may have delivered it first.
    with contextlib.suppress(RequestError):
        transition(item.request, Status.DELIVERED, actor=user)
