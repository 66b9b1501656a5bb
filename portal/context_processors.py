from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import roles

_CONTROL_ROOM = [
    (_("Dashboard"), "portal-dashboard"),
    (_("Review queue"), "requests-queue"),
    (_("Due soon"), "requests-due-soon"),
    (_("Overdue"), "requests-overdue"),
    (_("All requests"), "requests-list"),
    (_("Exports"), "evidence-export-list"),
]

# Menu entries per role: (label, url name). URL names only: portal imports no other app.
_MENU = {
    roles.CITIZEN: [
        (_("Dashboard"), "portal-dashboard"),
        (_("My requests"), "requests-list"),
        (_("New request"), "requests-new"),
    ],
    roles.STATION_OFFICER: [
        (_("Dashboard"), "portal-dashboard"),
        (_("Station requests"), "requests-list"),
        (_("Endorsements"), "requests-endorsements"),
        (_("Downloads"), "requests-downloads"),
        (_("New request"), "requests-new"),
    ],
    roles.OPERATOR: _CONTROL_ROOM,
    roles.SUPERVISOR: _CONTROL_ROOM,
    roles.AUDITOR: [
        (_("Dashboard"), "portal-dashboard"),
        (_("Audit log"), "portal-audit"),
        (_("All requests"), "requests-list"),
    ],
    roles.ADMIN: [(_("Dashboard"), "portal-dashboard"), (_("Audit log"), "portal-audit")],
}


# The recordings pages, for every staff role.
for _role in roles.STAFF_ROLES:
    _MENU[_role] = _MENU[_role] + [
        (_("Cameras"), "evidence-camera-list"),
        (_("Recording health"), "evidence-health"),
    ]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_label": ""}
    items = [(label, reverse(name)) for label, name in _MENU.get(user.role, [])]
    if user.role == roles.ADMIN:
        items.append((_("Administration"), reverse("admin:index")))
    return {"nav_items": items, "role_label": roles.LABELS.get(user.role, "")}
