"""Every template-rendered page of the access matrix, once per object state that renders it
differently (see conftest.hostile_world)."""

import re

from django.test import Client
from django.urls import reverse

from tests.access.rules import RULES
from tests.access.users import USERS as MATRIX_USERS
from tests.security.hostile import payload

# The matrix users plus "eve", who registered with a hostile name.
USERS = [MATRIX_USERS[0], "eve", *MATRIX_USERS[1:]]

# Not HTML: files, JSON and the SVG picture (tested on their own).
NOT_PAGES = {
    "evidence-export-download",
    "evidence-camera-timeline",
    "evidence-camera-picker",
    "requests-availability",
}


def _variants(name, world):
    """[(kwargs, query)] to render for the URL `name`."""
    rule = RULES[name]
    default = [(rule.resolve_kwargs(world), rule.query)]
    if name == "requests-detail":
        return default + [({"reference": r.reference}, "") for r in world["requests"].values()]
    if name == "evidence-camera-detail":
        return default + [({"code": world["hostile_camera"].code}, "")]
    if name == "evidence-export-detail":
        return default + [({"token": world["ready_job"].token}, "")]
    if name in ("requests-list", "requests-queue", "evidence-camera-list"):
        return default + [({}, "?" + _query(q=payload("search")))]
    if name == "evidence-verify":
        return default + [({}, "?" + _query(sha256=payload("sha256")))]
    if name == "portal-audit":
        return default + [({}, "?" + _query(action=payload("audit_filter")))]
    return default


def _query(**params):
    from urllib.parse import urlencode

    return urlencode(params)


def page_urls(world):
    for name in sorted(RULES):
        if RULES[name].method != "get" or name in NOT_PAGES:
            continue
        for kwargs, query in _variants(name, world):
            yield name, reverse(name, kwargs=kwargs) + query


def client_for(world, user):
    client = Client()
    if user != "anonymous":
        client.force_login(world["users"][user])
    return client


def html_of(response):
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        return response.content.decode()
    return None


FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)


def post_forms(html, url):
    """[(action, {field: value}, body)] of the page's POST forms."""
    found = []
    for match in FORM.finditer(html):
        attrs = match.group("attrs")
        if not re.search(r"method=[\"']?post", attrs, re.I):
            continue
        action = re.search(r"action=\"([^\"]*)\"", attrs)
        fields = dict(
            re.findall(r"<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"", match[0])
        )
        found.append((action.group(1) if action else url, fields, match.group("body")))
    return found
