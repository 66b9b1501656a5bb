"""A citizen registers, confirms the email, logs in and switches to Hindi, in a real browser."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_citizen_registers_confirms_and_logs_in(journey):
    page = journey.go("/accounts/register/")
    journey.shot("register form")
    page.fill("#id_full_name", "Asha Verma")
    page.fill("#id_email", "asha@example.com")
    page.fill("#id_mobile", "98765")  # too short: the error appears next to the field
    page.fill("#id_password1", "a-long-enough-secret")
    page.fill("#id_password2", "a-long-enough-secret")
    page.click("form.card button[type=submit]")
    assert "10 to 15 digits" in page.inner_text("#id_mobile_error")
    assert page.input_value("#id_full_name") == "Asha Verma"
    journey.shot("register error kept input")

    page.fill("#id_mobile", "9876543210")
    page.fill("#id_password1", "a-long-enough-secret")
    page.fill("#id_password2", "a-long-enough-secret")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/accounts/register/done/")
    journey.shot("check your email")

    path = re.search(r"/accounts/confirm/\S+/", mail.outbox[-1].body).group(0)
    journey.go(path)
    assert "confirmed" in page.inner_text("main")
    journey.login("asha@example.com", "a-long-enough-secret")
    assert "Your footage requests" in page.inner_text("h1")
    journey.shot("citizen dashboard")

    page.select_option("#language-select", "hi")
    page.click("form.lang button")
    page.wait_for_load_state()
    assert "आपके फ़ुटेज अनुरोध" in page.inner_text("h1")
    journey.shot("dashboard in hindi")
