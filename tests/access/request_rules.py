"""The request URLs' rows of the access matrix, as plain data (used by tests/access/rules.py).

"citizen" filed the request at "officer"'s station; "citizen2" and "officer_other" are strangers.
"""

from datetime import date, timedelta

from django.utils import timezone

from tests.access.users import USERS


def _expect(default, **by_user):
    expect = dict.fromkeys(USERS, default)
    expect["anonymous"] = 302
    expect.update(by_user)
    return expect


def _reference(world):
    return {"reference": world["footage_request"].reference}


def _item(world):
    request = world["footage_request"]
    return {"reference": request.reference, "item_id": request.items.get().pk}


_QUEUE = _expect(403, operator=200, supervisor=200, auditor=200)
_STATION = _expect(403, officer=200, officer_other=200)

REQUEST_RULES = {
    "requests-list": {"expect": _expect(200, admin=403)},
    "requests-new": {
        "expect": _expect(403, citizen=200, citizen2=200, officer=200, officer_other=200)
    },
    # Allowed callers without a query get 400 with the field errors (JSON).
    "requests-availability": {"expect": _expect(400, auditor=403, admin=403)},
    "requests-queue": {"expect": _QUEUE},
    "requests-due-soon": {"expect": _QUEUE},
    "requests-overdue": {"expect": _QUEUE},
    "requests-endorsements": {"expect": _STATION},
    "requests-downloads": {"expect": _STATION},
    "requests-detail": {
        "expect": _expect(200, citizen2=404, officer_other=404, admin=403),
        "kwargs": _reference,
    },
    # Withdrawing is the filer's step; others who may see the request get 400 (not theirs).
    "requests-transition": {
        "expect": _expect(
            400, citizen=302, citizen2=404, officer_other=404, auditor=403, admin=403
        ),
        "kwargs": _reference,
        "method": "post",
        "data": {"to": "withdrawn"},
    },
    "requests-prepare": {
        "expect": _expect(403, operator=302, supervisor=302),
        "kwargs": _reference,
        "method": "post",
    },
    "requests-retry-export": {
        "expect": _expect(403, operator=302, supervisor=302),
        "kwargs": _item,
        "method": "post",
    },
}


def request_world(cast):
    """A citizen's request at the officer's station, awaiting endorsement, with one item."""
    from evidence.models import Camera, Recorder
    from requests_app import filing

    recorder, _created = Recorder.objects.get_or_create(code="nvr-matrix", name="NVR")
    camera, _created = Camera.objects.get_or_create(
        code="cam-matrix", name="Matrix camera", recorder=recorder
    )
    now = timezone.now()
    request, _created = filing.file_request(
        filer=cast["citizen"],
        station=cast["officer"].station,
        fir_number="1",
        fir_year=now.year,
        fir_date=date(now.year, 1, 1),
        complainant_name="A",
        complainant_phone="9876543210",
        incident_place="x",
        incident_description="x",
        purpose="x",
        items=[(camera, now - timedelta(hours=2), now - timedelta(hours=1))],
    )
    return {"footage_request": request}
