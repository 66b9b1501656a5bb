"""Hostile text for every user-writable free-text field, and a world of requests carrying it.

Each field gets its own payload (tagged with the field's name), so a test can say exactly which
value must appear, escaped, on which page.
"""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.conftest import PASSWORD

HINDI = "चोरी हुई, ऑटो-रिक्शा में"


def payload(tag):
    """Script, attribute break-out, template, SVG, ffmpeg and reportlab markup, an entity and
    Hindi, in one line."""
    text = (
        '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{ 7*7 }}'
        "</text><svg onload=alert(2)>%{pts} drawtext=x <font size=80><para>"
        f"<b>&amp; {HINDI} [{tag}]"
    )
    assert len(text) <= 200, tag  # fits every 200-character field
    return text


def short(tag):
    """For fields of 100 characters or less."""
    return f'<script>{tag}</script>"><b onmouseover=1>&amp;{{{{7*7}}}}%{{pts}}<font size=80>'


# An FIR number a station's own pattern allows (the default allows digits only).
FIR = '9"><svg onload=1><b>&amp;{{7*7}}%{pts}'
FIR_PATTERN = r"^.{1,40}$"

LIVE_TAGS = {"svg", "font", "para", "iframe", "object", "embed"}
RAW_FRAGMENTS = ["<script>alert", "<img src=x", "<svg onload", "<font size=80>", "<para>"]


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.tags, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        names = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not names.get("src"):
                self.problems.append("an inline <script> block")
        if tag == "img" and not (names.get("src") or "").startswith("/"):
            self.problems.append(f"an <img> from {names.get('src')!r}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an inline event handler {name}= on <{tag}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"a javascript: URL in {name}= on <{tag}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("script text inside a <script> element")


def markup_problems(html, *, allow_tags=()):
    """What in `html` could run script or is hostile markup that became a tag."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    problems = list(scanner.problems)
    for tag in sorted(set(scanner.tags) & (LIVE_TAGS - set(allow_tags))):
        problems.append(f"a <{tag}> element")
    problems += [f"raw {f!r}" for f in RAW_FRAGMENTS if f in html]
    return problems


def shows_escaped(html, text):
    return escape(text) in html


def register_citizen(client, full_name):
    """Register through the real form and follow the emailed confirmation link."""
    email = "eve@example.com"
    response = client.post(
        reverse("portal-register"),
        {
            "full_name": full_name,
            "email": email,
            "mobile": "9876543210",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = re.search(r"/accounts/confirm/\S+/", mail.outbox[-1].body).group(0)
    client.get(link)
    from portal.models import User

    user = User.objects.get(email=email)
    assert user.is_active
    return user


def file_through_the_form(client, *, station, camera, fields):
    """File a request as the logged-in client through the filing page."""
    now = timezone.localtime()
    start = (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    end = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    form = client.get(reverse("requests-new")).context["form"]
    data = {
        "token": form.initial["token"],
        "station": station.pk,
        "fir_year": now.year,
        "fir_date": date(now.year, 1, 1).isoformat(),
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "10",
        "items-0-camera": camera.pk,
        "items-0-start": start,
        "items-0-end": end,
        "action": "file",
        **fields,
    }
    response = client.post(reverse("requests-new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    from requests_app.models import FootageRequest

    return FootageRequest.objects.get(reference=response["Location"].rstrip("/").split("/")[-1])


REQUEST_FIELDS = {
    "fir_number": FIR,
    "complainant_name": payload("complainant_name"),
    "complainant_phone": "9876543210",
    "complainant_address": payload("complainant_address"),
    "incident_place": payload("incident_place"),
    "incident_description": payload("incident_description"),
    "purpose": payload("purpose"),
}
