"""Reads: which requests a user may see, filtered in the database."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from evidence.models import ExportJob
from portal import roles

from .models import CLOCK_RUNNING, FINAL, FootageRequest, RequestItem, Status

SEES_ALL = (*roles.CONTROL_ROOM, roles.AUDITOR)


def visible_requests(user):
    """The requests `user` may see: the control room and auditors all of them by role; the
    filer and the station's officers through their object permissions (one SQL query)."""
    base = FootageRequest.objects.select_related("station", "filed_by")
    if not user.is_authenticated:
        return base.none()
    if user.role in SEES_ALL:
        return base.all()
    if user.role in (roles.CITIZEN, roles.STATION_OFFICER):
        return get_objects_for_user(
            user,
            "requests_app.view_footagerequest",
            klass=base,
            use_groups=True,
            with_superuser=False,
            accept_global_perms=False,
        )
    return base.none()


def with_export_failures(queryset):
    """Annotate `export_failed`: one of the request's export jobs has failed (needs a retry)."""
    failed = RequestItem.objects.filter(
        request=OuterRef("pk"), export_job__status=ExportJob.Status.FAILED
    )
    return queryset.annotate(export_failed=Exists(failed))


def overdue(queryset, *, now=None):
    now = now or timezone.now()
    return queryset.filter(status__in=CLOCK_RUNNING, due_at__lt=now)


def due_soon(queryset, *, now=None):
    now = now or timezone.now()
    horizon = now + timedelta(hours=settings.REQUEST_DUE_SOON_HOURS)
    return queryset.filter(status__in=CLOCK_RUNNING, due_at__gte=now, due_at__lt=horizon)


def review_queue(queryset):
    """What the control room still has to act on: everything not final and not delivered."""
    return queryset.exclude(status__in=(*FINAL, Status.DELIVERED))


def filtered(queryset, *, status="", station="", camera="", due_before=None, search=""):
    """Apply the list filters; unknown values simply match nothing."""
    if status:
        queryset = queryset.filter(status=status)
    if station:
        queryset = queryset.filter(station__code=station)
    if camera:
        queryset = queryset.filter(items__camera__code=camera).distinct()
    if due_before:
        queryset = queryset.filter(due_at__lt=due_before)
    if search:
        search = search.strip()
        queryset = queryset.filter(reference__iexact=search) | queryset.filter(
            fir_number__iexact=search
        )
    return queryset
