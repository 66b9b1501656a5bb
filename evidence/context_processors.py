from django.utils import timezone
from django.utils.translation import gettext as _

from portal import roles

from .services.watchdog import open_outages

MAX_BANNERS = 5


def staff_banners(request):
    """A banner on every staff page for each open recording outage."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role not in roles.STAFF_ROLES:
        return {}
    outages = list(open_outages()[: MAX_BANNERS + 1])
    banners = []
    for outage in outages[:MAX_BANNERS]:
        since = timezone.localtime(outage.started_at).strftime("%d %b %H:%M")
        if outage.recorder_id:
            text = _(
                "Recording outage: recorder %(recorder)s and all its cameras have recorded "
                "nothing since %(since)s."
            ) % {"recorder": outage.recorder, "since": since}
        else:
            text = _(
                "Recording outage: camera %(camera)s has recorded nothing since %(since)s."
            ) % {
                "camera": outage.camera,
                "since": since,
            }
        banners.append(text)
    if len(outages) > MAX_BANNERS:
        banners.append(_("More recording outages: see the recording health page."))
    return {"staff_banners": banners}
