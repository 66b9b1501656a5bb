import pytest
from django.core.exceptions import ValidationError

from portal import roles
from portal.models import AuditEntry


def test_station_officer_needs_a_station(make_user):
    user = make_user("bob")
    with pytest.raises(ValidationError, match="must belong to a police station"):
        roles.assign_role(user=user, role=roles.STATION_OFFICER)
    assert user.role is None


def test_only_station_officers_have_a_station(make_user, station):
    user = make_user("olga")
    with pytest.raises(ValidationError, match="Only station officers"):
        roles.assign_role(user=user, role=roles.OPERATOR, station=station)


def test_officer_is_linked_to_the_station(make_user, station):
    user = make_user("bob", roles.STATION_OFFICER, station=station)
    user.refresh_from_db()
    assert user.role == roles.STATION_OFFICER
    assert user.station == station
    assert list(station.officers.all()) == [user]


def test_a_user_holds_one_role_at_a_time(make_user, station):
    user = make_user("bob", roles.STATION_OFFICER, station=station)
    roles.assign_role(user=user, role=roles.AUDITOR)
    user.refresh_from_db()
    assert [g.name for g in user.groups.all()] == [roles.AUDITOR]
    assert user.station is None
    assert user.role == roles.AUDITOR


def test_admin_role_opens_the_admin_site(make_user):
    user = make_user("ada", roles.ADMIN)
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser


def test_role_assignment_is_audited(make_user, station):
    user = make_user("bob", roles.STATION_OFFICER, station=station)
    entry = AuditEntry.objects.filter(action="portal.user.role_assigned").last()
    assert entry.object_id == str(user.pk)
    assert entry.details == {"role": roles.STATION_OFFICER, "station": "ps-central"}


def test_unknown_role_is_refused(make_user):
    with pytest.raises(ValidationError, match="Unknown role"):
        roles.assign_role(user=make_user("x"), role="sheriff")
