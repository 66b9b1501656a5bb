"""Object permissions on requests (django-guardian): the filer, and the station's officers
through one group per station, may see a request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from portal import roles

VIEW_PERMISSION = "view_footagerequest"
STATION_GROUP_PREFIX = "station-officers:"


def station_group(station):
    """The group holding the station's officers; requests of the station grant it view."""
    group, _created = Group.objects.get_or_create(name=f"{STATION_GROUP_PREFIX}{station.code}")
    return group


def station_officers(station):
    return get_user_model().objects.filter(
        station=station, is_active=True, groups__name=roles.STATION_OFFICER
    )


def sync_station_membership(user):
    """Keep `user` in exactly the station group that matches their role and station."""
    current = set(user.groups.filter(name__startswith=STATION_GROUP_PREFIX))
    wanted = set()
    if user.station_id and user.groups.filter(name=roles.STATION_OFFICER).exists():
        wanted.add(station_group(user.station))
    if stale := current - wanted:
        user.groups.remove(*stale)
    if missing := wanted - current:
        user.groups.add(*missing)


def grant_view(request):
    """The filer and the station's officers may see the request."""
    group = station_group(request.station)
    # Officers who joined before the membership receiver existed are added here as well.
    group.user_set.add(*station_officers(request.station))
    assign_perm(VIEW_PERMISSION, request.filed_by, request)
    assign_perm(VIEW_PERMISSION, group, request)
