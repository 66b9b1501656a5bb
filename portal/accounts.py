"""Account services: citizen registration, email confirmation and the failed-login lockout."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit, roles
from .models import LoginFailure

_CONFIRM_SALT = "portal.accounts.confirm-email"
CONFIRM_MAX_AGE = 3 * 24 * 3600


class AccountError(Exception):
    """A problem the user can fix; the message is translated and safe to show."""


def register_citizen(*, full_name, email, mobile, password, language="en", request=None):
    """Create an inactive citizen account and mail a confirmation link.

    The account cannot log in until the link is followed. Returns the new user.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(_("An account with this email address already exists."))
    first, _sep, last = full_name.strip().partition(" ")
    with transaction.atomic():
        user = User(
            username=email,
            email=email,
            first_name=first[:150],
            last_name=last[:150],
            mobile=mobile,
            preferred_language=language,
            is_active=False,
        )
        user.set_password(password)
        user.save()
        roles.assign_role(user=user, role=roles.CITIZEN, actor=user)
        audit.log("portal.user.registered", actor=user, obj=user, request=request)
    send_confirmation(user)
    return user


def confirmation_token(user):
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_CONFIRM_SALT)


def send_confirmation(user):
    link = settings.SITE_URL + reverse("portal-confirm-email", args=[confirmation_token(user)])
    with translation.override(user.preferred_language):
        body = render_to_string("emails/confirm_email.txt", {"user": user, "link": link})
        send_mail(_("Confirm your email address"), body, None, [user.email])


def confirm_email(token, *, request=None):
    """Activate the account named by a valid, unexpired token. Returns the user."""
    User = get_user_model()
    try:
        data = signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise AccountError(_("This confirmation link has expired. Register again.")) from None
    except signing.BadSignature:
        raise AccountError(_("This confirmation link is not valid.")) from None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise AccountError(_("This confirmation link is not valid."))
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.log("portal.user.email_confirmed", actor=user, obj=user, request=request)
    return user


def _window_start():
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def is_locked_out(username):
    """True when the username has too many recent failures."""
    recent = LoginFailure.objects.filter(username__iexact=username, at__gte=_window_start())
    return recent.count() >= settings.LOGIN_MAX_FAILURES


def record_failure(username, ip):
    """Count one failure; returns True when this failure locks the account."""
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
    LoginFailure.objects.create(username=username[:150], ip=ip)
    locked = is_locked_out(username)
    if locked:
        audit.log("portal.auth.locked_out", ip=ip, details={"username": username[:150]})
    return locked


def clear_failures(username):
    LoginFailure.objects.filter(username__iexact=username).delete()
