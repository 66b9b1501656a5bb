"""Filing a request: validation of the FIR and the windows, the reference, holds on every item."""

import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.services import coverage, holds
from portal import audit, roles

from . import permissions, services
from .models import FootageRequest, ReferenceCounter, RequestItem, Status, StatusChange
from .services import RequestError


def fir_number_error(station, number):
    """A message when `number` does not look like one of `station`'s FIR numbers, else None."""
    try:
        matches = re.fullmatch(station.fir_number_pattern, number or "") is not None
    except re.error:
        matches = False
    if not matches:
        return _("This is not an FIR number of %(station)s.") % {"station": station.name}
    return None


# No recorder of this city is older; it also keeps date arithmetic far from year 1.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def window_errors(start, end, *, now=None):
    """{field: message} for a window in the future, reversed or longer than the limit."""
    now = now or timezone.now()
    errors = {}
    if start and start < EARLIEST:
        errors["start"] = _("Enter a time after the year 2000.")
    elif start and start > now:
        errors["start"] = _("The window cannot start in the future.")
    if end and end > now:
        errors["end"] = _("The window cannot end in the future.")
    if start and end and "end" not in errors:
        limit = settings.REQUEST_MAX_ITEM_MINUTES
        if end <= start:
            errors["end"] = _("The window must end after it starts.")
        elif end - start > timedelta(minutes=limit):
            errors["end"] = _("One item may cover at most %(minutes)d minutes.") % {
                "minutes": limit
            }
    return errors


def next_reference(year):
    """The next FR-<year>-<6 digits>; the year's counter row is locked, so it is race-free."""
    # Creating the row first (ignored if it exists) lets every caller lock an existing row.
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"FR-{year}-{counter.last:06d}"


def file_request(
    *,
    filer,
    station,
    fir_number,
    fir_year,
    fir_date,
    incident_place,
    incident_description,
    purpose,
    items,
    complainant_name="",
    complainant_phone="",
    complainant_address="",
    token=None,
    now=None,
):
    """File a request with `items` [(camera, start, end)] and return (request, created).

    Guarantees: the FIR number fits the station's pattern and every window is valid, or
    RequestError; the request, its items with their availability at filing, a preservation
    hold on every item, the view permissions and the audit event commit together; a second
    call with the same `token` returns the first request instead of filing another.
    """
    now = now or timezone.now()
    if token and (existing := FootageRequest.objects.filter(submission_token=token).first()):
        return _same_filer(existing, filer), False
    if filer.role == roles.CITIZEN:
        origin = FootageRequest.Origin.CITIZEN
        if not (complainant_name.strip() and complainant_phone.strip()):
            raise RequestError(_("Give the complainant's name and mobile number."))
    elif filer.role == roles.STATION_OFFICER:
        origin = FootageRequest.Origin.STATION
        if filer.station_id != station.pk:
            raise RequestError(_("You can file requests only for your own station's FIRs."))
    else:
        raise RequestError(_("Only citizens and station officers file requests."))
    if message := fir_number_error(station, fir_number):
        raise RequestError(message)
    if fir_date > timezone.localdate(now) or fir_date.year != fir_year:
        raise RequestError(_("The FIR date must be in the FIR year and not in the future."))
    if not items:
        raise RequestError(_("Add at least one camera and time window."))
    if len(items) > settings.REQUEST_MAX_ITEMS:
        raise RequestError(
            _("A request may have at most %(n)d items.") % {"n": settings.REQUEST_MAX_ITEMS}
        )
    for _camera, start, end in items:
        if errors := window_errors(start, end, now=now):
            raise RequestError(next(iter(errors.values())))

    try:
        with transaction.atomic():
            request = _create(
                filer=filer,
                station=station,
                origin=origin,
                token=token,
                now=now,
                items=items,
                fields={
                    "fir_number": fir_number.strip(),
                    "fir_year": fir_year,
                    "fir_date": fir_date,
                    "incident_place": incident_place,
                    "incident_description": incident_description,
                    "purpose": purpose,
                    "complainant_name": complainant_name,
                    "complainant_phone": complainant_phone,
                    "complainant_address": complainant_address,
                },
            )
    except IntegrityError:
        # Two submissions of one form at the same moment: the other one filed it.
        if token and (existing := FootageRequest.objects.filter(submission_token=token).first()):
            return _same_filer(existing, filer), False
        raise
    next_status = (
        Status.AWAITING_ENDORSEMENT
        if origin == FootageRequest.Origin.CITIZEN
        else Status.UNDER_REVIEW
    )
    return services.transition(request, next_status, actor=filer, now=now), True


def _same_filer(existing, filer):
    if existing.filed_by_id != filer.pk:
        raise RequestError(_("This form was already used. Reload the page and try again."))
    return existing


def _create(*, filer, station, origin, token, now, items, fields):
    request = FootageRequest(
        reference=next_reference(timezone.localdate(now).year),
        submission_token=token,
        origin=origin,
        filed_by=filer,
        station=station,
        status=Status.SUBMITTED,
        status_changed_at=now,
        filed_at=now,
        **fields,
    )
    request.due_at = services.due_date(
        request, items=[RequestItem(start=start, end=end) for _c, start, end in items]
    )
    request.save()
    for position, (camera, start, end) in enumerate(items):
        answer = coverage.availability(camera, start, end, now=now)
        item = RequestItem.objects.create(
            request=request,
            position=position,
            camera=camera,
            start=start,
            end=end,
            availability_status=answer.status,
            availability_message=answer.message[:300],
            coverage_percent=answer.coverage.percent,
        )
        item.hold = holds.place_hold(
            camera=camera,
            start=start,
            end=end,
            reason=_("Footage request %(reference)s, FIR %(fir)s")
            % {"reference": request.reference, "fir": request.fir_label},
            actor=filer,
            linked_type=services.REQUEST_LINK,
            linked_id=str(request.pk),
            linked_label=request.reference,
        )
        item.save(update_fields=["hold"])
    permissions.grant_view(request)
    StatusChange.objects.create(
        request=request, from_status="", to_status=Status.SUBMITTED, actor=filer, at=now
    )
    audit.log(
        "requests.request.filed",
        actor=filer,
        obj=request,
        details={
            "fir": request.fir_label,
            "station": station.code,
            "items": [
                {"camera": camera.code, "start": start, "end": end} for camera, start, end in items
            ],
        },
    )
    return request
