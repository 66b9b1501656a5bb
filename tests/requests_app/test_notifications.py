"""An email to the affected party on every status change, in the recipient's language."""

import pytest

from requests_app import services
from requests_app.models import Status as S


def _mails_to(mailoutbox, email):
    return [mail for mail in mailoutbox if email in mail.to]


def test_every_change_mails_the_requester_after_commit(
    cast, file_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = file_for(cast["citizen"])
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.transition(request, S.UNDER_REVIEW, actor=cast["officer"])
    assert len(_mails_to(mailoutbox, cast["citizen"].email)) == 1  # nothing before the commit
    for callback in pending:
        callback()
    mails = _mails_to(mailoutbox, cast["citizen"].email)
    assert len(mails) == 2
    assert request.reference in mails[-1].subject
    assert "Under control-room review" in mails[-1].subject


def test_the_station_hears_of_a_request_to_endorse(
    cast, file_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_for(cast["citizen"])
    assert len(_mails_to(mailoutbox, cast["officer"].email)) == 1
    assert not _mails_to(mailoutbox, cast["officer_other"].email)


def test_the_control_room_list_hears_of_a_request_to_review(
    cast, file_for, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.CONTROL_ROOM_EMAILS = ["control@city.example"]
    request = file_for(cast["citizen"])
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(request, S.UNDER_REVIEW, actor=cast["officer"])
    assert len(_mails_to(mailoutbox, "control@city.example")) == 1


def test_mail_is_in_the_recipients_language(
    cast, file_for, mailoutbox, django_capture_on_commit_callbacks
):
    citizen, officer = cast["citizen"], cast["officer"]
    citizen.preferred_language = "hi"
    citizen.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        file_for(citizen)
    (to_citizen,) = _mails_to(mailoutbox, citizen.email)
    (to_officer,) = _mails_to(mailoutbox, officer.email)
    assert to_citizen.extra_headers["Content-Language"] == "hi"
    assert "नमस्ते" in to_citizen.body
    assert to_officer.extra_headers["Content-Language"] == "en"
    assert "Hello" in to_officer.body and "नमस्ते" not in to_officer.body


def test_the_reason_is_in_the_mail(cast, file_for, mailoutbox, django_capture_on_commit_callbacks):
    request = file_for(cast["citizen"])
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            request, S.REJECTED, actor=cast["officer"], reason="No such FIR & complainant"
        )
    (mail,) = _mails_to(mailoutbox, cast["citizen"].email)
    assert "No such FIR & complainant" in mail.body


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_failing_mail_server_does_not_undo_the_change(
    cast, file_for, settings, django_capture_on_commit_callbacks, language
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    cast["citizen"].preferred_language = language
    cast["citizen"].save(update_fields=["preferred_language"])
    request = file_for(cast["citizen"])
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(request, S.WITHDRAWN, actor=cast["citizen"])
    request.refresh_from_db()
    assert request.status == S.WITHDRAWN
