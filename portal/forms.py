from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import accounts, audit
from .models import mobile_validator


class LoginForm(AuthenticationForm):
    """Django's login form plus the lockout: a locked username is refused before any check."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed attempts. This account is locked for %(minutes)s minutes; "
            "try again later or reset your password."
        ),
        "inactive": _("This account is not active yet. Follow the link in the email we sent."),
    }

    def clean(self):
        from django.conf import settings

        username = (self.cleaned_data.get("username") or "").strip()
        if username and accounts.is_locked_out(username):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        try:
            return super().clean()
        except ValidationError as error:
            if username and error.code == "invalid_login":
                ip = audit.client_ip(self.request)
                if accounts.record_failure(username, ip):
                    raise ValidationError(
                        self.error_messages["locked"],
                        code="locked",
                        params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
                    ) from None
            raise


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email address"))
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=16,
        validators=[mobile_validator],
        help_text=_("10 to 15 digits, for example 9876543210."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits; not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        from django.contrib.auth import get_user_model

        email = self.cleaned_data["email"].lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this email address already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("full_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
