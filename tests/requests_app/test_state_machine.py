"""Every allowed and every refused transition, for every kind of actor (table-driven)."""

import pytest
from django.utils import timezone

from portal import roles
from portal.models import AuditEntry
from requests_app import services
from requests_app.models import FootageRequest, StatusChange
from requests_app.models import Status as S

from .conftest import set_status

CONTROL_ROOM = {"operator", "supervisor", "supervisor2"}
SUPERVISORS = {"supervisor", "supervisor2"}
ACTORS = [
    "citizen",
    "citizen2",
    "officer",
    "officer_other",
    "operator",
    "supervisor",
    "supervisor2",
    "auditor",
    "admin",
    "system",
]

# The whole machine for a citizen's request filed by "citizen" at the officer's station.
# Written out by hand: the test checks services.TRANSITIONS, it does not copy it.
ALLOWED = {
    (S.SUBMITTED, S.AWAITING_ENDORSEMENT): {"citizen"},
    (S.SUBMITTED, S.WITHDRAWN): {"citizen"},
    (S.AWAITING_ENDORSEMENT, S.UNDER_REVIEW): {"officer"},
    (S.AWAITING_ENDORSEMENT, S.NEEDS_INFORMATION): {"officer"},
    (S.AWAITING_ENDORSEMENT, S.REJECTED): {"officer"},
    (S.AWAITING_ENDORSEMENT, S.WITHDRAWN): {"citizen"},
    (S.AWAITING_ENDORSEMENT, S.FOOTAGE_UNAVAILABLE): CONTROL_ROOM,
    (S.UNDER_REVIEW, S.NEEDS_INFORMATION): CONTROL_ROOM,
    (S.UNDER_REVIEW, S.APPROVED): SUPERVISORS,
    (S.UNDER_REVIEW, S.REJECTED): SUPERVISORS,
    (S.UNDER_REVIEW, S.FOOTAGE_UNAVAILABLE): CONTROL_ROOM,
    (S.UNDER_REVIEW, S.WITHDRAWN): {"citizen"},
    # The request below was paused from UNDER_REVIEW: the answer goes back there only.
    (S.NEEDS_INFORMATION, S.UNDER_REVIEW): {"citizen"},
    (S.NEEDS_INFORMATION, S.WITHDRAWN): {"citizen"},
    (S.NEEDS_INFORMATION, S.FOOTAGE_UNAVAILABLE): CONTROL_ROOM,
    (S.APPROVED, S.EXPORTING): CONTROL_ROOM,
    (S.EXPORTING, S.READY): {"system"},
    (S.EXPORTING, S.FOOTAGE_UNAVAILABLE): CONTROL_ROOM,
    (S.READY, S.DELIVERED): {"officer"},
    (S.DELIVERED, S.CLOSED): {"officer", *CONTROL_ROOM},
}

PAIRS = [(source, target) for source in S for target in S if source != target]


def _prepare(request, source, now):
    extra = {}
    if source == S.NEEDS_INFORMATION:
        extra = {"paused_at": now, "paused_from": S.UNDER_REVIEW}
    return set_status(request, source, **extra)


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_transition_table(cast, file_for, now, source, target):
    request = file_for(cast["citizen"])
    allowed = ALLOWED.get((source, target), set())
    for who in ACTORS:
        actor = None if who == "system" else cast[who]
        request = _prepare(request, source, now)
        history = StatusChange.objects.filter(request=request).count()
        if who in allowed:
            services.transition(request, target, actor=actor, reason="because", now=now)
            # Approval starts the exports and moves straight on to EXPORTING.
            expected = S.EXPORTING if target == S.APPROVED else target
            assert request.status == expected, who
            assert StatusChange.objects.filter(request=request).count() > history
            assert AuditEntry.objects.filter(
                action=f"requests.request.{target}", object_id=str(request.pk)
            ).exists()
        else:
            with pytest.raises(services.RequestError):
                services.transition(request, target, actor=actor, reason="because", now=now)
            request.refresh_from_db()
            assert request.status == source, who
            assert StatusChange.objects.filter(request=request).count() == history


def test_filing_moves_a_citizens_request_to_the_station(cast, file_for):
    request = file_for(cast["citizen"])
    assert request.status == S.AWAITING_ENDORSEMENT
    steps = list(request.history.values_list("from_status", "to_status"))
    assert steps == [("", S.SUBMITTED), (S.SUBMITTED, S.AWAITING_ENDORSEMENT)]


def test_a_stations_request_goes_straight_to_review(cast, file_for):
    request = file_for(cast["officer"], complainant_name="", complainant_phone="")
    assert request.status == S.UNDER_REVIEW
    assert request.origin == FootageRequest.Origin.STATION


def test_any_officer_of_the_station_answers_for_a_stations_request(
    cast, file_for, make_user, station, now
):
    colleague = make_user("bina", roles.STATION_OFFICER, station=station)
    request = file_for(cast["officer"], complainant_name="")
    set_status(request, S.NEEDS_INFORMATION, paused_at=now, paused_from=S.UNDER_REVIEW)
    services.transition(request, S.UNDER_REVIEW, actor=colleague, reason="FIR copy", now=now)
    assert request.status == S.UNDER_REVIEW
    with pytest.raises(services.RequestError):
        services.transition(request, S.WITHDRAWN, actor=cast["officer_other"], now=now)


def test_the_answer_returns_to_the_station_when_the_station_asked(cast, file_for, now):
    request = file_for(cast["citizen"])
    services.transition(
        request, S.NEEDS_INFORMATION, actor=cast["officer"], reason="FIR copy?", now=now
    )
    assert request.paused_from == S.AWAITING_ENDORSEMENT
    with pytest.raises(services.RequestError):
        services.transition(request, S.UNDER_REVIEW, actor=cast["citizen"], reason="x", now=now)
    services.transition(
        request, S.AWAITING_ENDORSEMENT, actor=cast["citizen"], reason="Attached", now=now
    )
    assert request.status == S.AWAITING_ENDORSEMENT


@pytest.mark.parametrize("target", [S.REJECTED, S.NEEDS_INFORMATION])
def test_reason_is_required(cast, file_for, target):
    request = file_for(cast["citizen"])
    with pytest.raises(services.RequestError, match="reason"):
        services.transition(request, target, actor=cast["officer"], reason="  ")
    request.refresh_from_db()
    assert request.status == S.AWAITING_ENDORSEMENT


def test_an_answer_must_say_something(cast, file_for, now):
    request = file_for(cast["citizen"])
    set_status(request, S.NEEDS_INFORMATION, paused_at=now, paused_from=S.UNDER_REVIEW)
    with pytest.raises(services.RequestError):
        services.transition(request, S.UNDER_REVIEW, actor=cast["citizen"], reason="")


def test_endorsement_records_the_officer(cast, file_for):
    request = file_for(cast["citizen"])
    services.transition(request, S.UNDER_REVIEW, actor=cast["officer"])
    assert request.endorsed_by == cast["officer"]


def test_allowed_transitions_offers_only_manual_steps_the_actor_may_take(cast, file_for):
    request = file_for(cast["citizen"])
    assert set(services.allowed_transitions(request, cast["officer"])) == {
        S.UNDER_REVIEW,
        S.NEEDS_INFORMATION,
        S.REJECTED,
    }
    assert services.allowed_transitions(request, cast["citizen"]) == [S.WITHDRAWN]
    assert services.allowed_transitions(request, cast["auditor"]) == []
    assert timezone.now() >= request.filed_at
