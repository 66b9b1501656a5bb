import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal import roles
from portal.models import AuditEntry, LoginFailure, User
from tests.conftest import PASSWORD

REGISTRATION = {
    "full_name": "Asha Verma",
    "email": "Asha@Example.com",
    "mobile": "9876543210",
    "password1": "a-long-enough-secret",
    "password2": "a-long-enough-secret",
}


def register(client, **changes):
    return client.post(reverse("portal-register"), {**REGISTRATION, **changes})


def test_registration_creates_an_inactive_citizen_and_mails_a_link(client, db):
    response = register(client)
    assert response.status_code == 302
    user = User.objects.get(email="asha@example.com")
    assert not user.is_active
    assert user.role == roles.CITIZEN
    assert user.first_name == "Asha" and user.last_name == "Verma"
    assert len(mail.outbox) == 1
    assert "/accounts/confirm/" in mail.outbox[0].body


def test_confirmation_link_activates_and_login_works(client, db):
    register(client)
    link = re.search(r"http://\S+/accounts/confirm/\S+/", mail.outbox[0].body).group(0)
    path = link.split("localhost:8000", 1)[1]
    client.get(path)
    assert User.objects.get(email="asha@example.com").is_active
    response = client.post(
        reverse("portal-login"),
        {"username": "asha@example.com", "password": "a-long-enough-secret"},
    )
    assert response.status_code == 302
    assert response.url == reverse("portal-dashboard")


def test_unconfirmed_account_is_told_to_confirm(client, db):
    register(client)
    response = client.post(
        reverse("portal-login"),
        {"username": "asha@example.com", "password": "a-long-enough-secret"},
    )
    assert response.status_code == 200
    assert "not active yet" in response.content.decode()


def test_forged_confirmation_link_is_refused(client, db):
    register(client)
    client.get(reverse("portal-confirm-email", args=["not-a-real-token"]))
    assert not User.objects.get(email="asha@example.com").is_active


def test_bad_registration_keeps_what_was_typed(client, db):
    response = register(client, mobile="12ab", password2="something-else-entirely")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a mobile number of 10 to 15 digits" in body
    assert "The two passwords do not match." in body
    assert 'value="Asha Verma"' in body
    assert User.objects.count() == 0


def test_weak_password_is_refused_next_to_the_field(client, db):
    response = register(client, password1="12345", password2="12345")
    assert "This password is too short" in response.content.decode()
    assert User.objects.count() == 0


def test_duplicate_email_is_refused(client, db):
    User.objects.create_user(username="existing", email="asha@example.com", password="x")
    response = register(client)
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email__iexact="asha@example.com").count() == 1


def login(client, username, password):
    return client.post(reverse("portal-login"), {"username": username, "password": password})


def test_lockout_after_repeated_failures(client, make_user, settings):
    settings.LOGIN_MAX_FAILURES = 3
    make_user("alice", roles.CITIZEN)
    for _ in range(2):
        assert "correct username" in login(client, "alice", "wrong").content.decode()
    response = login(client, "alice", "wrong")
    assert "Too many failed attempts" in response.content.decode()
    # Locked: even the right password is refused now.
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert AuditEntry.objects.filter(action="portal.auth.locked_out").count() == 1


def test_lockout_ends_after_the_window(client, make_user, settings):
    settings.LOGIN_MAX_FAILURES = 2
    make_user("alice", roles.CITIZEN)
    login(client, "alice", "wrong")
    login(client, "alice", "wrong")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert login(client, "alice", PASSWORD).status_code == 302


def test_success_clears_earlier_failures(client, make_user, settings):
    settings.LOGIN_MAX_FAILURES = 3
    make_user("alice", roles.CITIZEN)
    login(client, "alice", "wrong")
    login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302
    assert LoginFailure.objects.count() == 0


@pytest.mark.parametrize("ip", ["203.0.113.7"])
def test_logins_failures_and_logouts_are_audited_with_ip(client, make_user, ip):
    make_user("alice", roles.CITIZEN)
    client.post(reverse("portal-login"), {"username": "alice", "password": "no"}, REMOTE_ADDR=ip)
    client.post(
        reverse("portal-login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=ip
    )
    client.post(reverse("portal-logout"), REMOTE_ADDR=ip)
    entries = list(AuditEntry.objects.filter(action__startswith="portal.auth."))
    assert [e.action for e in entries] == [
        "portal.auth.login_failed",
        "portal.auth.login",
        "portal.auth.logout",
    ]
    assert all(e.ip == ip for e in entries)
    assert entries[0].details == {"username": "alice"}
    assert entries[1].actor_label == "alice"


def test_password_reset_mails_a_working_link(client, make_user):
    make_user("alice", roles.CITIZEN)
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    new = "another-long-secret-42"
    client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert login(client, "alice", new).status_code == 302
