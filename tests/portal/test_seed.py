from django.core.management import call_command

from portal import demo, roles
from portal.models import PoliceStation, User


def test_seed_demo_is_idempotent(db, capsys):
    call_command("seed_demo", "--no-footage")
    first = capsys.readouterr().out
    counts = (User.objects.count(), PoliceStation.objects.count())
    call_command("seed_demo", "--no-footage")
    second = capsys.readouterr().out
    assert (User.objects.count(), PoliceStation.objects.count()) == counts
    assert "(created)" in first and "(created)" not in second
    assert demo.DEMO_PASSWORD in first


def test_seed_demo_makes_one_user_per_role(db):
    call_command("seed_demo", "--no-footage")
    found = {User.objects.get(username=u).role for u, *_ in demo.USERS}
    assert found == set(roles.ALL_ROLES)
    officer = User.objects.get(username="officer")
    assert officer.station.code == "ps-kotwali"
    assert officer.check_password(demo.DEMO_PASSWORD)
