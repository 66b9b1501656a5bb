"""Footage requests tied to a police FIR, their items (camera + window) and status history.

The status only ever changes through requests_app.services.transition().
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_ENDORSEMENT = "awaiting_endorsement", _("Awaiting station endorsement")
    UNDER_REVIEW = "under_review", _("Under control-room review")
    NEEDS_INFORMATION = "needs_information", _("Needs information")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPORTING = "exporting", _("Exporting")
    READY = "ready", _("Ready for download")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FOOTAGE_UNAVAILABLE = "footage_unavailable", _("Footage unavailable")


# The service clock runs in these states; NEEDS_INFORMATION pauses it.
CLOCK_RUNNING = (Status.SUBMITTED, Status.AWAITING_ENDORSEMENT, Status.UNDER_REVIEW)
FINAL = (Status.REJECTED, Status.CLOSED, Status.WITHDRAWN, Status.FOOTAGE_UNAVAILABLE)


# Labels for evidence's availability answers (covered/partial/outage/expired/none).
AVAILABILITY_LABELS = {
    "covered": _("Footage exists"),
    "partial": _("Partly recorded"),
    "outage": _("Recording outage"),
    "expired": _("Older than retention"),
    "none": _("No footage"),
}


class ReferenceCounter(models.Model):
    """The last request number issued in a year; locked while the next one is taken."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class FootageRequest(models.Model):
    class Origin(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        STATION = "station", _("Police station")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # The filing form's one-time token: a second submission of the same form finds this row.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    origin = models.CharField(_("filed by"), max_length=10, choices=Origin.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="footage_requests",
    )
    station = models.ForeignKey(
        "portal.PoliceStation",
        verbose_name=_("police station"),
        on_delete=models.PROTECT,
        related_name="footage_requests",
    )
    # Several requests may cite one FIR: no uniqueness here.
    fir_number = models.CharField(_("FIR number"), max_length=40)
    fir_year = models.PositiveIntegerField(_("FIR year"))
    fir_date = models.DateField(_("FIR date"))
    complainant_name = models.CharField(_("complainant's name"), max_length=200, blank=True)
    complainant_phone = models.CharField(_("complainant's mobile"), max_length=16, blank=True)
    complainant_address = models.CharField(_("complainant's address"), max_length=300, blank=True)
    incident_place = models.CharField(_("place of the incident"), max_length=300)
    incident_description = models.TextField(_("what happened"), max_length=4000)
    purpose = models.CharField(_("purpose"), max_length=300)

    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.SUBMITTED
    )
    status_changed_at = models.DateTimeField(_("status changed"))
    filed_at = models.DateTimeField(_("filed"))
    # The earlier of the service deadline (plus paused time) and the date the oldest footage
    # would be overwritten without the hold; kept current by the services for list filters.
    due_at = models.DateTimeField(_("due"))
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    paused_from = models.CharField(max_length=24, choices=Status.choices, blank=True)

    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The control-room operator who reviewed and prepared the request (four eyes).
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-filed_at"]
        indexes = [
            # The lists' orders (requests_app.views), ending with the key as they do, so that
            # a page's keys come from an index-only scan (portal.pagination.IdFirstPaginator).
            models.Index(fields=["-filed_at", "id"], name="request_filed"),
            models.Index(fields=["due_at", "id"], name="request_due"),
            # The control room's queues read a few thousand open requests among 100,000s.
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(status__in=CLOCK_RUNNING),
                name="request_running_due",
            ),
            models.Index(
                fields=["due_at", "id"],
                condition=~models.Q(status__in=(*FINAL, Status.DELIVERED)),
                name="request_queue_due",
            ),
            # The lists' search box: reference or FIR number, any case (selectors.filtered).
            models.Index(Upper("reference"), name="request_reference_upper"),
            models.Index(Upper("fir_number"), name="request_fir_upper"),
            models.Index(fields=["status", "due_at"], name="request_status_due"),
            models.Index(fields=["station", "status"], name="request_station_status"),
            models.Index(fields=["fir_number", "fir_year"], name="request_fir"),
        ]
        verbose_name = _("footage request")
        verbose_name_plural = _("footage requests")

    def __str__(self):
        return self.reference

    @property
    def fir_label(self):
        return f"{self.fir_number}/{self.fir_year}"

    @property
    def paused(self):
        return self.status == Status.NEEDS_INFORMATION

    @property
    def is_final(self):
        return self.status in FINAL


class RequestItem(models.Model):
    """One camera and window of a request, with what the index said about it at filing."""

    request = models.ForeignKey(FootageRequest, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    camera = models.ForeignKey(
        "evidence.Camera", verbose_name=_("camera"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))
    availability_status = models.CharField(max_length=12, blank=True)
    availability_message = models.CharField(max_length=300, blank=True)
    coverage_percent = models.FloatField(null=True, blank=True)
    hold = models.ForeignKey(
        "evidence.PreservationHold",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    export_job = models.ForeignKey(
        "evidence.ExportJob",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["request", "position", "pk"]
        verbose_name = _("request item")
        verbose_name_plural = _("request items")

    def __str__(self):
        return f"{self.request.reference} #{self.position + 1} {self.camera.code}"

    @property
    def availability_label(self):
        return AVAILABILITY_LABELS.get(self.availability_status, self.availability_status)


class StatusChange(models.Model):
    """One step of a request's timeline, written by transition() with its audit event."""

    request = models.ForeignKey(FootageRequest, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.request.reference}: {self.from_status} -> {self.to_status}"


# Direct foreign keys for django-guardian: lists join these tables instead of the generic ones.
class FootageRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(FootageRequest, on_delete=models.CASCADE)


class FootageRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(FootageRequest, on_delete=models.CASCADE)
