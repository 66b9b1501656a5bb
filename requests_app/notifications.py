"""Emails on status changes, each in its recipient's own language."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import FootageRequest, Status
from .permissions import station_officers

logger = logging.getLogger(__name__)

# Besides the requester, who else is affected by a change to this status.
STATION_HEARS = {Status.AWAITING_ENDORSEMENT, Status.READY}
CONTROL_ROOM_HEARS = {Status.UNDER_REVIEW}


def recipients(request, target):
    """[(email, language, name)] of everyone affected by `request` entering `target`, once each."""
    users = [request.filed_by]
    if target in STATION_HEARS or request.origin == FootageRequest.Origin.STATION:
        users += list(station_officers(request.station))
    found = {}
    for user in users:
        if user.email and user.is_active:
            found.setdefault(
                user.email.lower(), (user.email, user.preferred_language, user.display_name)
            )
    if target in CONTROL_ROOM_HEARS:
        for email in settings.CONTROL_ROOM_EMAILS:
            found.setdefault(email.lower(), (email, settings.LANGUAGE_CODE, ""))
    return list(found.values())


def status_changed(request_id, *, source, target, reason=""):
    """Send one email per affected person about `request_id` moving from source to target."""
    request = FootageRequest.objects.select_related("station", "filed_by").get(pk=request_id)
    link = settings.SITE_URL + reverse("requests-detail", args=[request.reference])
    for email, language, name in recipients(request, target):
        with translation.override(language):
            context = {
                "request": request,
                "status": Status(target).label,
                "target": target,
                "reason": reason,
                "link": link,
                "name": name,
            }
            subject = render_to_string("emails/request_status_subject.txt", context)
            body = render_to_string("emails/request_status.txt", context)
        message = EmailMessage(
            " ".join(subject.split()),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
            headers={"Content-Language": language},
        )
        try:
            message.send()
        except OSError:
            # The change is committed; a mail server that is down must not undo or hide it.
            logger.exception("could not send the status email for %s", request.reference)
