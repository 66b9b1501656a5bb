"""Demo data for the embedded mode: stations and one user per role. Idempotent."""

from django.contrib.auth import get_user_model
from django.db import transaction

from . import roles
from .models import PoliceStation

DEMO_PASSWORD = "footage-demo-2026"  # noqa: S105  (printed by seed_demo; demo only)

STATIONS = [
    {
        "code": "ps-kotwali",
        "name": "Kotwali Police Station",
        "district": "Central",
        "contact_email": "kotwali@police.example",
        "contact_phone": "0755-2540001",
    },
    {
        "code": "ps-habibganj",
        "name": "Habibganj Police Station",
        "district": "South",
        "contact_email": "habibganj@police.example",
        "contact_phone": "0755-2540002",
    },
]

USERS = [
    ("citizen", "Asha Verma", roles.CITIZEN, None),
    ("officer", "SI Ravi Kumar", roles.STATION_OFFICER, "ps-kotwali"),
    ("officer2", "SI Meena Patel", roles.STATION_OFFICER, "ps-habibganj"),
    ("operator", "Operator Sunil Rao", roles.OPERATOR, None),
    ("supervisor", "Supervisor Kavita Joshi", roles.SUPERVISOR, None),
    ("auditor", "Auditor Anil Mehta", roles.AUDITOR, None),
    ("admin", "Admin Priya Singh", roles.ADMIN, None),
]


@transaction.atomic
def seed_accounts():
    """Create what is missing; change nothing that exists. Returns [(username, role, created)]."""
    User = get_user_model()
    stations = {}
    for data in STATIONS:
        station, _created = PoliceStation.objects.get_or_create(code=data["code"], defaults=data)
        stations[station.code] = station
    result = []
    for username, name, role, station_code in USERS:
        first, _sep, last = name.partition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@demo.example",
                "first_name": first,
                "last_name": last,
                "mobile": "9876500000",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            roles.assign_role(user=user, role=role, station=stations.get(station_code))
        result.append((username, role, created))
    return result
