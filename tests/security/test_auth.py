"""Session and sign-in hardening: logout, password reset, the login redirect, deactivation."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD


def test_logout_is_post_only(client_for, cast):
    client = client_for(cast["citizen"])
    assert client.get(reverse("portal-logout")).status_code == 405
    assert client.get(reverse("portal-dashboard")).status_code == 200  # still logged in
    client.post(reverse("portal-logout"))
    assert client.get(reverse("portal-dashboard")).status_code == 302


def _reset(client, email):
    response = client.post(reverse("password_reset"), {"email": email}, follow=True)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return response.redirect_chain, response.status_code, page


def test_password_reset_does_not_reveal_whether_an_email_exists(client, cast):
    known = _reset(client, "alice@example.com")
    assert len(mail.outbox) == 1
    unknown = _reset(client, "nobody-here@example.com")
    assert len(mail.outbox) == 1  # no mail for an unknown address...
    assert known == unknown  # ...and the same redirect, status and page


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        " https://evil.example/",
    ],
)
def test_login_never_redirects_off_site(client, cast, target):
    response = client.post(
        reverse("portal-login"),
        {"username": "alice", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal-dashboard")


def test_login_follows_an_on_site_next(client, cast):
    target = reverse("requests-list")
    response = client.post(
        reverse("portal-login"), {"username": "alice", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_login_page_escapes_next(client, db):
    page = client.get(reverse("portal-login"), {"next": '/"><script>alert(1)</script>'})
    text = page.content.decode()
    assert "<script>alert(1)" not in text
    assert '"><script>' not in text


def test_a_deactivated_users_session_stops_working(client_for, cast):
    officer = cast["officer"]
    client = client_for(officer)
    assert client.get(reverse("requests-list")).status_code == 200
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    response = client.get(reverse("requests-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal-login"))
    assert client.get(reverse("portal-dashboard")).status_code == 302


def test_an_inactive_user_is_still_told_to_confirm_their_email(client, make_user):
    make_user("newbie", is_active=False)
    page = client.post(reverse("portal-login"), {"username": "newbie", "password": PASSWORD})
    assert page.status_code == 200
    assert "not active yet" in page.content.decode()
