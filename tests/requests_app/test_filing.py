"""Filing: references, holds on every item, validation, idempotency."""

import re
import threading
import uuid
from datetime import date, timedelta

import pytest
from django.db import connection

from evidence.models import PreservationHold
from portal.models import AuditEntry
from requests_app import filing, services
from requests_app.models import FootageRequest
from requests_app.models import Status as S
from tests import services as test_services


def test_reference_is_readable_and_sequential(cast, file_for, now):
    first = file_for(cast["citizen"])
    second = file_for(cast["citizen"])
    assert re.fullmatch(rf"FR-{now.year}-\d{{6}}", first.reference)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_several_requests_may_cite_one_fir(cast, file_for):
    file_for(cast["citizen"])
    file_for(cast["officer"])
    assert FootageRequest.objects.filter(fir_number="123").count() == 2


def test_a_hold_is_placed_on_every_item_at_filing(cast, file_for, camera, camera2, now):
    items = [
        (camera, now - timedelta(hours=3), now - timedelta(hours=2)),
        (camera2, now - timedelta(minutes=50), now - timedelta(minutes=20)),
    ]
    request = file_for(cast["citizen"], items=items)
    holds = PreservationHold.objects.filter(linked_id=str(request.pk), released_at__isnull=True)
    assert holds.count() == 2
    for item in request.items.all():
        assert item.hold.active
        assert (item.hold.camera, item.hold.start, item.hold.end) == (
            item.camera,
            item.start,
            item.end,
        )


def test_a_failing_item_files_nothing_and_holds_nothing(cast, file_for, camera, now):
    items = [
        (camera, now - timedelta(hours=3), now - timedelta(hours=2)),
        (camera, now - timedelta(hours=1), now + timedelta(hours=1)),
    ]
    with pytest.raises(services.RequestError):
        file_for(cast["citizen"], items=items)
    assert not FootageRequest.objects.exists()
    assert not PreservationHold.objects.exists()


@pytest.mark.parametrize("target", [S.REJECTED, S.WITHDRAWN, S.FOOTAGE_UNAVAILABLE])
def test_holds_are_released_when_the_request_ends(cast, file_for, target):
    request = file_for(cast["citizen"])
    actor = {S.REJECTED: "officer", S.WITHDRAWN: "citizen", S.FOOTAGE_UNAVAILABLE: "operator"}
    services.transition(request, target, actor=cast[actor[target]], reason="no")
    assert not PreservationHold.objects.filter(released_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="evidence.hold.released").count() == 1


def test_holds_are_kept_while_under_review(cast, file_for):
    request = file_for(cast["citizen"])
    services.transition(request, S.UNDER_REVIEW, actor=cast["officer"])
    assert PreservationHold.objects.filter(released_at__isnull=True).count() == 1


def test_availability_is_recorded_at_filing(cast, file_for, camera, add_segments, now):
    start = now - timedelta(hours=2)
    add_segments(camera, start, 60)
    request = file_for(cast["citizen"], items=[(camera, start, start + timedelta(hours=1))])
    item = request.items.get()
    assert item.availability_status == "covered"
    assert item.coverage_percent == 100.0


def test_fir_number_must_fit_the_stations_pattern(cast, file_for, station):
    station.fir_number_pattern = r"^[0-9]{4}$"
    station.save()
    with pytest.raises(services.RequestError, match="FIR number"):
        file_for(cast["citizen"], fir_number="12")
    assert file_for(cast["citizen"], fir_number="0012").fir_number == "0012"


def test_an_officer_files_only_for_the_own_station(cast, file_for, other_station):
    with pytest.raises(services.RequestError):
        file_for(cast["officer"], station=other_station)


@pytest.mark.parametrize("who", ["operator", "supervisor", "auditor", "admin"])
def test_only_citizens_and_officers_file(cast, file_for, who):
    with pytest.raises(services.RequestError):
        file_for(cast[who])


def test_a_citizen_gives_the_complainants_details(cast, file_for):
    with pytest.raises(services.RequestError):
        file_for(cast["citizen"], complainant_phone="")


def test_window_rules(now):
    hour = timedelta(hours=1)
    assert "start" in filing.window_errors(now + hour, now + 2 * hour, now=now)
    assert "end" in filing.window_errors(now - hour, now + hour, now=now)
    assert "end" in filing.window_errors(now - hour, now - 2 * hour, now=now)
    assert "end" in filing.window_errors(now - 3 * hour, now - hour + timedelta(minutes=1), now=now)
    assert filing.window_errors(now - 3 * hour, now - hour, now=now) == {}


def test_the_item_limit_follows_the_setting(cast, file_for, camera, now, settings):
    settings.REQUEST_MAX_ITEM_MINUTES = 30
    with pytest.raises(services.RequestError, match="30 minutes"):
        file_for(cast["citizen"], items=[(camera, now - timedelta(hours=1), now)])


def test_the_same_token_files_one_request(cast, file_for, now):
    token = uuid.uuid4()
    first = file_for(cast["citizen"], token=token)
    again, created = filing.file_request(
        filer=cast["citizen"],
        station=first.station,
        fir_number="123",
        fir_year=now.year,
        fir_date=date(now.year, 1, 1),
        complainant_name="A",
        complainant_phone="9876543210",
        incident_place="x",
        incident_description="x",
        purpose="x",
        items=[(first.items.get().camera, now - timedelta(hours=1), now)],
        token=token,
        now=now,
    )
    assert (again.pk, created) == (first.pk, False)
    assert FootageRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_get_distinct_references(cast, camera, station, now):
    """Two threads file at once on PostgreSQL: the locked counter gives distinct numbers."""
    test_services.require_postgres()
    references, errors = [], []

    def file_one():
        try:
            request, _created = filing.file_request(
                filer=cast["citizen"],
                station=station,
                fir_number="7",
                fir_year=now.year,
                fir_date=date(now.year, 1, 1),
                complainant_name="A",
                complainant_phone="9876543210",
                incident_place="x",
                incident_description="x",
                purpose="x",
                items=[(camera, now - timedelta(hours=1), now)],
                now=now,
            )
            references.append(request.reference)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(references)) == 4
