"""Audit receivers for logins, failed logins and logouts."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    audit.log("portal.auth.login", actor=user, obj=user, request=request)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.log("portal.auth.logout", actor=user, obj=user, request=request)


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    audit.log(
        "portal.auth.login_failed",
        request=request,
        details={"username": str(credentials.get("username", ""))[:150]},
    )
