"""The coverage timeline picture: a server-rendered SVG of one camera over one window."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from .coverage import coverage, outages_overlapping

WIDTH = 720
BAR_TOP, BAR_HEIGHT = 26, 26
COLOURS = {
    "covered": "#2da44e",
    "gap": "#f4c7c3",
    "outage": "#cf222e",
    "future": "#eaeef2",
}
_TICK_STEPS = [  # (longest window, step between ticks)
    (timedelta(hours=1), timedelta(minutes=10)),
    (timedelta(hours=3), timedelta(minutes=30)),
    (timedelta(hours=8), timedelta(hours=1)),
    (timedelta(hours=26), timedelta(hours=3)),
]


def _x(moment, start, end):
    span = (end - start).total_seconds()
    offset = (moment - start).total_seconds()
    return round(WIDTH * max(0.0, min(1.0, offset / span)), 2)


def _rect(start, end, a, b, *, y, height, colour, title):
    x1, x2 = _x(a, start, end), _x(b, start, end)
    width = max(x2 - x1, 0.5)
    return (
        f'<rect x="{x1}" y="{y}" width="{width:.2f}" height="{height}" fill="{colour}">'
        f"<title>{escape(title)}</title></rect>"
    )


def _local(moment, fmt="%H:%M"):
    return timezone.localtime(moment).strftime(fmt)


def _ticks(start, end):
    span = end - start
    step = next((s for limit, s in _TICK_STEPS if span <= limit), timedelta(hours=12))
    local_start = timezone.localtime(start)
    step_minutes = int(step.total_seconds() // 60)
    minutes = local_start.hour * 60 + local_start.minute
    first = local_start.replace(second=0, microsecond=0) + timedelta(
        minutes=(-minutes) % step_minutes
    )
    moment = first
    while moment <= end:
        yield moment
        moment += step


def timeline_svg(camera, start, end, *, now=None, cov=None):
    """An SVG document (str) of the camera's footage over [start, end): recorded spans, gaps,
    outages and the part of the window still in the future. All text is escaped; times are
    in the display time zone. A caller that already has the window's coverage passes it as
    `cov`, saving the index query."""
    now = now or timezone.now()
    cov = cov or coverage(camera, start, end)
    outages = list(outages_overlapping(camera, start, end))
    title = _("%(code)s — %(name)s, %(start)s to %(end)s: %(percent)s%% recorded") % {
        "code": camera.code,
        "name": camera.name,
        "start": _local(start, "%Y-%m-%d %H:%M"),
        "end": _local(end, "%Y-%m-%d %H:%M"),
        "percent": cov.percent,
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 96" width="{WIDTH}" '
        f'height="96" role="img" aria-label="{escape(title)}" font-family="sans-serif" '
        f'font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-size="12" fill="#1b1f24">{escape(title)}</text>',
    ]
    bar = {"y": BAR_TOP, "height": BAR_HEIGHT}
    for a, b in cov.gaps:
        past_end = min(b, max(a, now))
        if past_end > a:
            label = _("No footage %(start)s–%(end)s") % {
                "start": _local(a),
                "end": _local(past_end),
            }
            parts.append(_rect(start, end, a, past_end, colour=COLOURS["gap"], title=label, **bar))
        if b > past_end:
            future = max(a, now)
            label = _("Not yet recorded")
            parts.append(_rect(start, end, future, b, colour=COLOURS["future"], title=label, **bar))
    for a, b in cov.covered:
        label = _("Recorded %(start)s–%(end)s") % {"start": _local(a), "end": _local(b)}
        parts.append(_rect(start, end, a, b, colour=COLOURS["covered"], title=label, **bar))
    for outage in outages:
        a = max(outage.started_at, start)
        b = min(outage.ended_at or now, end)
        if b <= a:
            continue
        label = _("Outage %(start)s–%(end)s: %(reason)s") % {
            "start": _local(a),
            "end": _local(b) if outage.ended_at else _("ongoing"),
            "reason": outage.reason,
        }
        parts.append(
            _rect(
                start,
                end,
                a,
                b,
                y=BAR_TOP + BAR_HEIGHT + 2,
                height=6,
                colour="#cf222e",
                title=label,
            )
        )
    for tick in _ticks(start, end):
        x = _x(tick, start, end)
        anchor = "start" if x < 20 else "end" if x > WIDTH - 20 else "middle"
        parts.append(
            f'<line x1="{x}" y1="{BAR_TOP}" x2="{x}" y2="{BAR_TOP + BAR_HEIGHT + 10}" '
            f'stroke="#57606a" stroke-width="0.5"/>'
            f'<text x="{x}" y="{BAR_TOP + BAR_HEIGHT + 22}" text-anchor="{anchor}" '
            f'fill="#57606a">{escape(_local(tick))}</text>'
        )
    legend = [
        (COLOURS["covered"], _("recorded")),
        (COLOURS["gap"], _("no footage")),
        (COLOURS["outage"], _("outage")),
        (COLOURS["future"], _("not yet")),
    ]
    x = 0
    for colour, label in legend:
        parts.append(
            f'<rect x="{x}" y="84" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="93" fill="#1b1f24">{escape(label)}</text>'
        )
        x += 110
    parts.append("</svg>")
    return "\n".join(parts)


def display_day_bounds(day):
    """[start, end) of a calendar day in the display time zone, as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min).replace(tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min).replace(tzinfo=tz)
    return start, end
