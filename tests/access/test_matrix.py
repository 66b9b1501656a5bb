"""Every URL x every user: the response the access rules promise (see rules.py)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access.rules import EXEMPT_NAMESPACES, RULES, USERS


def named_urls(patterns=None, namespace=None):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXEMPT_NAMESPACES:
                continue
            yield from named_urls(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}:{entry.name}" if namespace and entry.name else entry.name


def test_every_url_has_an_access_rule():
    names = list(named_urls())
    unnamed = [n for n in names if not n]
    assert not unnamed, "every URL needs a name so the access matrix can cover it"
    missing = sorted(set(names) - set(RULES))
    assert not missing, f"URLs without an access decision in tests/access/rules.py: {missing}"
    stale = sorted(set(RULES) - set(names))
    assert not stale, f"rules for URLs that no longer exist: {stale}"


CASES = [(name, user) for name in sorted(RULES) for user in USERS]


@pytest.mark.parametrize(("name", "user"), CASES, ids=[f"{n}-{u}" for n, u in CASES])
def test_access(name, user, world):
    rule = RULES[name]
    client = Client()
    if user != "anonymous":
        client.force_login(world["cast"][user])
    url = reverse(name, kwargs=rule.resolve_kwargs(world)) + rule.query
    response = getattr(client, rule.method)(url, rule.resolve_data(world))
    assert response.status_code == rule.expect[user], (
        f"{rule.method.upper()} {url} as {user}: got {response.status_code}, "
        f"expected {rule.expect[user]}"
    )
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        assert_post_forms_carry_csrf(response.content.decode(), url)


def assert_post_forms_carry_csrf(html, url):
    for form in re.findall(r"<form\b.*?</form>", html, flags=re.S | re.I):
        if re.search(r"method=[\"']?post", form, flags=re.I):
            assert "csrfmiddlewaretoken" in form, f"a POST form on {url} has no CSRF token"


POST_RULES = sorted(name for name, rule in RULES.items() if rule.method == "post")


@pytest.mark.parametrize("name", POST_RULES)
def test_posts_without_a_csrf_token_are_refused(name, world):
    rule = RULES[name]
    user = next(u for u in USERS[1:] if rule.expect[u] < 400)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["cast"][user])
    url = reverse(name, kwargs=rule.resolve_kwargs(world)) + rule.query
    assert client.post(url, rule.resolve_data(world)).status_code == 403


def test_admin_site_is_for_admins_only(world):
    for user in USERS:
        client = Client()
        if user != "anonymous":
            client.force_login(world["cast"][user])
        status = client.get(reverse("admin:index")).status_code
        assert status == (200 if user == "admin" else 302), user
