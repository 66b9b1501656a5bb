import pytest
from django.urls import reverse

from portal import roles
from portal.models import AuditEntry

DASHBOARD_HEADINGS = {
    "citizen": "Your footage requests",
    "officer": "Requests of Central PS",
    "operator": "Control room",
    "supervisor": "Control room",
    "auditor": "Audit",
    "admin": "Administration",
}


@pytest.mark.parametrize("who", sorted(DASHBOARD_HEADINGS))
def test_each_role_gets_its_dashboard(cast, client_for, who):
    response = client_for(cast[who]).get(reverse("portal-dashboard"))
    assert response.status_code == 200
    assert DASHBOARD_HEADINGS[who] in response.content.decode()


def test_anonymous_dashboard_redirects_to_login(client, db):
    response = client.get(reverse("portal-dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal-login"))


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_audit_log_is_readable_by_auditors(cast, client_for, who):
    response = client_for(cast[who]).get(reverse("portal-audit"))
    assert response.status_code == 200
    assert "portal.user.role_assigned" in response.content.decode()


@pytest.mark.parametrize("who", ["citizen", "officer", "operator", "supervisor"])
def test_audit_log_is_refused_and_the_attempt_logged(cast, client_for, who):
    response = client_for(cast[who]).get(reverse("portal-audit"), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 403
    denied = AuditEntry.objects.filter(action="portal.access.denied").last()
    assert denied.actor == cast[who]
    assert denied.ip == "198.51.100.4"
    assert denied.details["path"] == reverse("portal-audit")


def test_auditor_can_verify_the_chain_from_the_page(cast, client_for):
    response = client_for(cast["auditor"]).post(reverse("portal-audit-verify"), follow=True)
    assert "The audit chain is intact" in response.content.decode()


def test_navigation_follows_the_role(cast, client_for):
    citizen_page = client_for(cast["citizen"]).get(reverse("portal-dashboard")).content.decode()
    auditor_page = client_for(cast["auditor"]).get(reverse("portal-dashboard")).content.decode()
    assert 'href="/audit/"' not in citizen_page
    assert 'href="/audit/"' in auditor_page


def test_language_switch_to_hindi_is_remembered(cast, client_for):
    client = client_for(cast["citizen"])
    response = client.post(
        reverse("portal-set-language"), {"language": "hi", "next": "/dashboard/"}
    )
    assert response.status_code == 302
    cast["citizen"].refresh_from_db()
    assert cast["citizen"].preferred_language == "hi"
    page = client.get(reverse("portal-dashboard")).content.decode()
    assert 'lang="hi"' in page
    assert "आपके फ़ुटेज अनुरोध" in page  # "Your footage requests"


def test_login_page_in_hindi(client, db):
    client.cookies["django_language"] = "hi"
    page = client.get(reverse("portal-login")).content.decode()
    assert "लॉग इन" in page


def test_language_switch_ignores_offsite_next(client, db):
    response = client.post(
        reverse("portal-set-language"), {"language": "hi", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_pages_are_phone_ready_and_use_no_cdn(client, db):
    page = client.get(reverse("portal-login")).content.decode()
    assert 'name="viewport"' in page
    assert "https://" not in page and "http://" not in page.replace("http://www.w3", "")
    assert '<label for="id_username"' in page


def test_user_time_zone_is_used_for_display(cast, client_for):
    user = cast["auditor"]
    user.time_zone = "Europe/London"
    user.save(update_fields=["time_zone"])
    page = client_for(user).get(reverse("portal-audit")).content.decode()
    assert "GMT" in page or "BST" in page
    user.time_zone = ""
    user.save(update_fields=["time_zone"])
    page = client_for(user).get(reverse("portal-audit")).content.decode()
    assert "IST" in page


def test_admin_lists_stations_and_users(cast, client_for):
    client = client_for(cast["admin"])
    assert client.get(reverse("admin:portal_policestation_changelist")).status_code == 200
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 200
    assert client_for(cast["operator"]).get(reverse("admin:index")).status_code == 302


def test_admin_assigns_a_role_with_a_station(cast, client_for, station, make_user):
    user = make_user("newbie")
    client = client_for(cast["admin"])
    url = reverse("admin:portal_user_change", args=[user.pk])
    response = client.post(
        url,
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "first_name": "",
            "last_name": "",
            "mobile": "",
            "preferred_language": "en",
            "time_zone": "",
            "role": roles.STATION_OFFICER,
            "station": "",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "must belong to a police station" in response.content.decode()
    response = client.post(
        url,
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "first_name": "",
            "last_name": "",
            "mobile": "",
            "preferred_language": "en",
            "time_zone": "",
            "role": roles.STATION_OFFICER,
            "station": station.pk,
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.role == roles.STATION_OFFICER and user.station == station
