"""Roles are Django groups, one per user. This module names them and assigns them."""

from functools import wraps

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

CITIZEN = "citizen"
STATION_OFFICER = "station_officer"
OPERATOR = "control_room_operator"
SUPERVISOR = "control_room_supervisor"
AUDITOR = "auditor"
ADMIN = "admin"

ALL_ROLES = (CITIZEN, STATION_OFFICER, OPERATOR, SUPERVISOR, AUDITOR, ADMIN)
CONTROL_ROOM = (OPERATOR, SUPERVISOR)
STAFF_ROLES = (STATION_OFFICER, OPERATOR, SUPERVISOR, AUDITOR, ADMIN)

LABELS = {
    CITIZEN: _("Citizen"),
    STATION_OFFICER: _("Station officer"),
    OPERATOR: _("Control-room operator"),
    SUPERVISOR: _("Control-room supervisor"),
    AUDITOR: _("Auditor"),
    ADMIN: _("Administrator"),
}


def assign_role(*, user, role, station=None, actor=None):
    """Give `user` exactly one role. A station officer must have a station; nobody else has one.

    Raises ValidationError with a readable message when the combination is not allowed.
    Writes an audit event.
    """
    from . import audit

    if role not in ALL_ROLES:
        raise ValidationError(_("Unknown role: %(role)s") % {"role": role})
    if role == STATION_OFFICER and station is None:
        raise ValidationError(_("A station officer must belong to a police station."))
    if role != STATION_OFFICER and station is not None:
        raise ValidationError(_("Only station officers belong to a police station."))

    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=role)
        user.groups.remove(*Group.objects.filter(name__in=ALL_ROLES).exclude(pk=group.pk))
        user.groups.add(group)
        user.station = station
        user.is_staff = role == ADMIN
        user.is_superuser = role == ADMIN
        user.save(update_fields=["station", "is_staff", "is_superuser"])
        if hasattr(user, "_role_cache"):
            del user._role_cache
        audit.log(
            "portal.user.role_assigned",
            actor=actor,
            obj=user,
            details={"role": role, "station": station.code if station else None},
        )


def role_required(*allowed):
    """View decorator: the user is logged in and holds one of the roles, else 403 (logged)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in allowed:
                raise PermissionDenied(_("Your role does not allow this page."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
