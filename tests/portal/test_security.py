from django.urls import reverse


def test_security_headers_on_every_page(client, db):
    response = client.get(reverse("portal-login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]


def test_session_and_csrf_cookies_are_hardened(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE  # DEBUG is off here
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_login_form_requires_csrf(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal-login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
