from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles

mobile_validator = RegexValidator(
    r"^\+?[0-9]{10,15}$", _("Enter a mobile number of 10 to 15 digits, optionally with +.")
)


class PoliceStation(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    district = models.CharField(_("district"), max_length=100)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    # FIR numbers differ by state and station; each station says what its numbers look like.
    fir_number_pattern = models.CharField(
        _("FIR number pattern"),
        max_length=100,
        default=r"^[0-9]{1,6}$",
        help_text=_("A regular expression that this station's FIR numbers must match."),
    )

    class Meta:
        ordering = ["district", "name"]
        verbose_name = _("police station")
        verbose_name_plural = _("police stations")

    def __str__(self):
        return f"{self.name} ({self.district})"


class User(AbstractUser):
    email = models.EmailField(_("email address"), unique=True)
    mobile = models.CharField(_("mobile"), max_length=16, blank=True, validators=[mobile_validator])
    station = models.ForeignKey(
        PoliceStation,
        verbose_name=_("police station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    @property
    def role(self):
        """The user's role name, from their groups (one role per user)."""
        if not hasattr(self, "_role_cache"):
            names = {group.name for group in self.groups.all()}
            self._role_cache = next((r for r in roles.ALL_ROLES if r in names), None)
        return self._role_cache

    def has_role(self, *names):
        return self.is_authenticated and self.role in names

    @property
    def is_control_room(self):
        return self.role in roles.CONTROL_ROOM


class LoginFailure(models.Model):
    """One failed login, kept for the lockout window; cleared by a successful login."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.username} at {self.at:%Y-%m-%d %H:%M}"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(_("The audit log is append-only: entries cannot be changed."))

    def delete(self):
        raise AppendOnlyError(_("The audit log is append-only: entries cannot be deleted."))


class AppendOnlyError(Exception):
    pass


class AuditEntry(models.Model):
    """One link of the hash chain. Written only by portal.audit.log()."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    # PROTECT: a user who appears in the log can be deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, unique=True)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_("The audit log is append-only: entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("The audit log is append-only: entries cannot be deleted."))
