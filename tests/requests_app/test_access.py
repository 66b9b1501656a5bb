"""Every request URL, for each role as owner and as stranger, and the filtering of lists."""

import pytest
from django.urls import reverse

from portal import roles
from portal.models import AuditEntry
from requests_app import selectors, services
from requests_app.models import Status as S

# (url name, method, who, expected status). "citizen" filed the request at "officer"'s station;
# "citizen2" and "officer_other" are strangers to it.
DETAIL_URLS = ["requests-detail"]
CASES = [
    # The request's own pages.
    *[("requests-detail", "get", who, 200) for who in ("citizen", "officer")],
    *[("requests-detail", "get", who, 200) for who in ("operator", "supervisor", "auditor")],
    *[("requests-detail", "get", who, 404) for who in ("citizen2", "officer_other")],
    ("requests-detail", "get", "admin", 403),
    ("requests-transition", "post", "citizen", 302),  # withdraw
    ("requests-transition", "post", "officer", 302),  # endorse
    *[("requests-transition", "post", who, 404) for who in ("citizen2", "officer_other")],
    *[("requests-transition", "post", who, 403) for who in ("auditor", "admin")],
    ("requests-transition", "post", "operator", 400),  # no step for the control room yet
    *[("requests-prepare", "post", who, 302) for who in ("operator", "supervisor")],
    *[
        ("requests-prepare", "post", who, 403)
        for who in ("citizen", "citizen2", "officer", "officer_other", "auditor", "admin")
    ],
    *[("requests-retry-export", "post", who, 302) for who in ("operator", "supervisor")],
    *[
        ("requests-retry-export", "post", who, 403)
        for who in ("citizen", "citizen2", "officer", "officer_other", "auditor", "admin")
    ],
    # Lists and forms.
    *[
        ("requests-list", "get", who, 200)
        for who in ("citizen", "citizen2", "officer", "officer_other", "operator", "auditor")
    ],
    ("requests-list", "get", "admin", 403),
    *[("requests-new", "get", who, 200) for who in ("citizen", "officer")],
    *[("requests-new", "get", who, 403) for who in ("operator", "supervisor", "auditor", "admin")],
    *[("requests-availability", "get", who, 400) for who in ("citizen", "officer", "operator")],
    *[("requests-availability", "get", who, 403) for who in ("auditor", "admin")],
    *[
        (name, "get", who, 200)
        for name in ("requests-queue", "requests-due-soon", "requests-overdue")
        for who in ("operator", "supervisor", "auditor")
    ],
    *[
        (name, "get", who, 403)
        for name in ("requests-queue", "requests-due-soon", "requests-overdue")
        for who in ("citizen", "officer", "admin")
    ],
    *[
        (name, "get", who, 200)
        for name in ("requests-endorsements", "requests-downloads")
        for who in ("officer", "officer_other")
    ],
    *[
        (name, "get", who, 403)
        for name in ("requests-endorsements", "requests-downloads")
        for who in ("citizen", "operator", "auditor", "admin")
    ],
]

POST_DATA = {"citizen": {"to": S.WITHDRAWN}, "officer": {"to": S.UNDER_REVIEW}}


def _url(name, request):
    if name in ("requests-detail", "requests-transition", "requests-prepare"):
        return reverse(name, args=[request.reference])
    if name == "requests-retry-export":
        return reverse(name, args=[request.reference, request.items.get().pk])
    return reverse(name)


@pytest.mark.parametrize(("name", "method", "who", "expected"), CASES)
def test_url_access(cast, client_for, file_for, name, method, who, expected):
    request = file_for(cast["citizen"])
    client = client_for(cast[who])
    url = _url(name, request)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, POST_DATA.get(who, {"to": S.APPROVED}))
    assert response.status_code == expected
    if expected in (403, 404):
        denied = AuditEntry.objects.filter(action="portal.access.denied").last()
        assert denied is not None and denied.actor == cast[who]
    if name == "requests-detail" and expected == 200:
        assert request.reference in response.content.decode()


@pytest.mark.parametrize("name", sorted({case[0] for case in CASES}))
def test_anonymous_is_sent_to_login(client, cast, file_for, name):
    request = file_for(cast["citizen"])
    response = client.get(_url(name, request))
    # POST-only views refuse GET with 405 before anything else; the rest ask to log in.
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response.url.startswith(reverse("portal-login"))


def test_a_stranger_gets_404_and_an_audit_event_naming_the_request(cast, client_for, file_for):
    request = file_for(cast["citizen"])
    response = client_for(cast["citizen2"]).get(
        reverse("requests-detail", args=[request.reference])
    )
    assert response.status_code == 404
    denied = AuditEntry.objects.get(action="portal.access.denied")
    assert denied.object_id == str(request.pk)


def _references(user):
    return set(selectors.visible_requests(user).values_list("reference", flat=True))


def test_lists_are_filtered_by_role_and_station(cast, file_for, other_station, make_user):
    mine = file_for(cast["citizen"])
    station_own = file_for(cast["officer"], complainant_name="")
    elsewhere = file_for(cast["citizen2"], station=other_station)
    assert _references(cast["citizen"]) == {mine.reference}
    assert _references(cast["citizen2"]) == {elsewhere.reference}
    assert _references(cast["officer"]) == {mine.reference, station_own.reference}
    assert _references(cast["officer_other"]) == {elsewhere.reference}
    everything = {mine.reference, station_own.reference, elsewhere.reference}
    for who in ("operator", "supervisor", "auditor"):
        assert _references(cast[who]) == everything
    assert _references(cast["admin"]) == set()


def test_a_new_officer_sees_the_stations_earlier_requests(cast, file_for, make_user, station):
    request = file_for(cast["citizen"])
    newcomer = make_user("nina", roles.STATION_OFFICER, station=station)
    assert _references(newcomer) == {request.reference}


def test_an_officer_who_moves_loses_the_old_stations_requests(
    cast, file_for, other_station, station
):
    request = file_for(cast["citizen"])
    officer = cast["officer"]
    roles.assign_role(user=officer, role=roles.STATION_OFFICER, station=other_station)
    assert request.reference not in _references(officer)
    roles.assign_role(user=officer, role=roles.CITIZEN)
    assert _references(officer) == set()


def test_the_list_is_one_query(cast, file_for, client_for, django_assert_max_num_queries):
    for _ in range(3):
        file_for(cast["citizen"])
    officer = cast["officer"]
    assert officer.role == roles.STATION_OFFICER  # the role is looked up once per request
    with django_assert_max_num_queries(1):
        assert len(list(selectors.visible_requests(officer))) == 3


def test_the_list_page_shows_only_visible_requests(cast, client_for, file_for, other_station):
    mine = file_for(cast["citizen"])
    other = file_for(cast["citizen2"], station=other_station)
    page = client_for(cast["officer"]).get(reverse("requests-list")).content.decode()
    assert mine.reference in page and other.reference not in page


def test_control_room_filters(cast, client_for, file_for, other_station, camera2, now):
    from datetime import timedelta

    central = file_for(cast["citizen"])
    north = file_for(
        cast["citizen2"],
        station=other_station,
        items=[(camera2, now - timedelta(hours=1), now)],
    )
    client = client_for(cast["operator"])
    page = client.get(reverse("requests-list"), {"station": "ps-north"}).content.decode()
    assert north.reference in page and central.reference not in page
    page = client.get(reverse("requests-list"), {"camera": camera2.code}).content.decode()
    assert north.reference in page and central.reference not in page
    services.transition(central, S.UNDER_REVIEW, actor=cast["officer"])
    page = client.get(reverse("requests-list"), {"status": S.UNDER_REVIEW}).content.decode()
    assert central.reference in page and north.reference not in page


def test_due_soon_and_overdue_views(cast, client_for, file_for, now, settings):
    from datetime import timedelta

    from requests_app.models import FootageRequest

    overdue = file_for(cast["citizen"])
    soon = file_for(cast["citizen"])
    later = file_for(cast["citizen"])
    FootageRequest.objects.filter(pk=overdue.pk).update(due_at=now - timedelta(hours=1))
    FootageRequest.objects.filter(pk=soon.pk).update(due_at=now + timedelta(hours=2))
    FootageRequest.objects.filter(pk=later.pk).update(due_at=now + timedelta(hours=48))
    client = client_for(cast["supervisor"])
    page = client.get(reverse("requests-overdue")).content.decode()
    assert overdue.reference in page and soon.reference not in page
    page = client.get(reverse("requests-due-soon")).content.decode()
    assert soon.reference in page and overdue.reference not in page
    assert later.reference not in page


def test_the_due_date_filter(cast, client_for, file_for, now):
    from datetime import timedelta

    from requests_app.models import FootageRequest

    early, late = file_for(cast["citizen"]), file_for(cast["citizen"])
    FootageRequest.objects.filter(pk=early.pk).update(due_at=now + timedelta(days=1))
    FootageRequest.objects.filter(pk=late.pk).update(due_at=now + timedelta(days=5))
    day = (now + timedelta(days=3)).date().isoformat()
    page = client_for(cast["operator"]).get(reverse("requests-queue"), {"due_before": day})
    text = page.content.decode()
    assert early.reference in text and late.reference not in text
