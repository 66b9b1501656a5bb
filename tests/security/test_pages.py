"""Every template-rendered page, for every role, in every request state: no inline script or
event handler (the Content-Security-Policy forbids them), every POST form carries a CSRF token
and is refused without one, and hostile text never becomes markup."""

import pytest
from django.test import Client

from tests.security.hostile import markup_problems
from tests.security.pages import USERS, client_for, html_of, page_urls, post_forms

# The request page draws the coverage timeline inline (timeline_svg escapes its text).
INLINE_SVG = {"requests-detail"}


def rendered_pages(world, user):
    """[(name, url, html)] of the pages `user` gets a 200 HTML answer for."""
    client = client_for(world, user)
    pages = []
    for name, url in page_urls(world):
        html = html_of(client.get(url))
        if html is not None:
            pages.append((name, url, html))
    return pages


@pytest.mark.parametrize("user", USERS)
def test_no_inline_script_handler_or_live_hostile_markup(hostile_world, user):
    pages = rendered_pages(hostile_world, user)
    assert pages, f"{user} sees no page at all"
    problems = []
    for name, url, html in pages:
        allow = {"svg"} if name in INLINE_SVG else set()
        problems += [f"{url}: {p}" for p in markup_problems(html, allow_tags=allow)]
    assert not problems, f"as {user}:\n" + "\n".join(problems)


@pytest.mark.parametrize("user", USERS)
def test_every_post_form_carries_a_token_and_is_refused_without_one(hostile_world, user):
    forms = {}
    for _name, url, html in rendered_pages(hostile_world, user):
        for action, fields, body in post_forms(html, url):
            assert "csrfmiddlewaretoken" in body, f"a POST form on {url} ({action}) has no token"
            fields.pop("csrfmiddlewaretoken", None)
            forms.setdefault((action, tuple(sorted(fields.items()))), fields)
    assert forms, f"{user} sees no POST form"  # at least the language switch
    client = Client(enforce_csrf_checks=True)
    if user != "anonymous":
        client.force_login(hostile_world["users"][user])
    for (action, _key), fields in forms.items():
        response = client.post(action, fields)
        assert response.status_code == 403, f"POST {action} {fields} as {user} without a token"


# The forms a request's page offers, by state and user: the pages that only exist in a state.
STATE_FORMS = {
    ("awaiting", "eve"): {"withdrawn"},
    ("awaiting", "officer"): {"under_review", "needs_information", "rejected"},
    ("awaiting", "operator"): {"footage_unavailable"},
    ("needs_information", "eve"): {"under_review", "withdrawn"},
    ("needs_information", "operator"): {"footage_unavailable"},
    ("under_review", "eve"): {"withdrawn"},
    ("under_review", "operator"): {"prepare", "needs_information", "footage_unavailable"},
    ("under_review", "supervisor"): {
        "prepare",
        "needs_information",
        "approved",
        "rejected",
        "footage_unavailable",
    },
    ("station_filed", "officer"): {"withdrawn"},
    ("station_filed", "supervisor"): {
        "prepare",
        "needs_information",
        "approved",
        "rejected",
        "footage_unavailable",
    },
    ("rejected", "eve"): set(),
    ("ready", "officer"): set(),
    ("exporting", "operator"): {"footage_unavailable"},
}


@pytest.mark.parametrize(("state", "user"), sorted(STATE_FORMS))
def test_pages_of_each_request_state_are_rendered_with_their_forms(hostile_world, state, user):
    from django.urls import reverse

    reference = hostile_world["requests"][state].reference
    url = reverse("requests-detail", args=[reference])
    html = html_of(client_for(hostile_world, user).get(url))
    assert html is not None, f"{user} cannot see the {state} request"
    targets = set()
    for action, fields, body in post_forms(html, url):
        if reference not in action:
            continue  # the logout and language forms of every page
        assert "csrfmiddlewaretoken" in body
        targets.add("prepare" if action.endswith("/prepare/") else fields["to"])
    assert targets == STATE_FORMS[(state, user)]
