"""Cameras, recorders, the recording segment index, preservation holds and outages.

evidence knows nothing of requests: a hold names what it protects by a (type, id, label) triple.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Recorder(models.Model):
    """The device that writes the recordings (DVR, NVR, VMS server): Part A of the certificate."""

    class Kind(models.TextChoices):
        DVR = "dvr", _("DVR")
        NVR = "nvr", _("NVR")
        SERVER = "server", _("Recording server")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.NVR)
    make = models.CharField(_("make"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    mac_address = models.CharField(_("MAC or other ID"), max_length=64, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # Recorder clock minus true UTC, in seconds, where known (printed on certificates).
    clock_offset_seconds = models.FloatField(_("clock offset (seconds)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("recorder")
        verbose_name_plural = _("recorders")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Camera(models.Model):
    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        RECORDING = "recording", _("Recording")
        NOT_RECORDING = "not_recording", _("Not recording")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    location_description = models.CharField(_("location"), max_length=300, blank=True)
    zone = models.CharField(_("zone"), max_length=100, blank=True, db_index=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    recorder = models.ForeignKey(
        Recorder, verbose_name=_("recorder"), on_delete=models.PROTECT, related_name="cameras"
    )
    make = models.CharField(_("make"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    mac_address = models.CharField(_("MAC or other ID"), max_length=64, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Kept up to date by ingest and the watchdog, so health checks never scan the index.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNKNOWN
    )
    last_segment_end = models.DateTimeField(_("newest footage"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")

    def __str__(self):
        return f"{self.code} — {self.name}"


class Segment(models.Model):
    """One recording file, indexed once at ingest. Times are UTC."""

    class Status(models.TextChoices):
        OK = "ok", _("Readable")
        UNREADABLE = "unreadable", _("Unreadable")

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="segments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # Relative to RECORDINGS_ROOT, POSIX separators.
    path = models.CharField(max_length=500, unique=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    codec = models.CharField(max_length=40, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    fps = models.FloatField(null=True, blank=True)
    keyframe_interval = models.FloatField(null=True, blank=True)  # seconds
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OK)
    error = models.CharField(max_length=500, blank=True)
    ingested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["camera", "start"]
        indexes = [
            models.Index(fields=["camera", "start"], name="segment_camera_start"),
            # Coverage reads (camera, start, end) of readable segments only: on PostgreSQL this
            # partial covering index answers it with an index-only scan (see bench_coverage).
            models.Index(
                fields=["camera", "start"],
                include=["end"],
                condition=models.Q(status="ok"),
                name="segment_ok_coverage",
            ),
            models.Index(fields=["end"], name="segment_end"),  # retention purge
        ]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.path

    @property
    def duration(self):
        return (self.end - self.start).total_seconds()


class PreservationHold(models.Model):
    """Keeps the segments of (camera, window) from deletion until released."""

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="holds")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(_("reason"), max_length=300)
    # What the hold protects, named without evidence knowing the type (e.g. a request item).
    linked_type = models.CharField(max_length=100, blank=True)
    linked_id = models.CharField(max_length=64, blank=True)
    linked_label = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["camera", "start", "end"], name="hold_camera_window"),
            models.Index(fields=["linked_type", "linked_id"], name="hold_linked"),
        ]
        verbose_name = _("preservation hold")
        verbose_name_plural = _("preservation holds")

    def __str__(self):
        return f"hold {self.camera.code} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"

    @property
    def active(self):
        return self.released_at is None


class Outage(models.Model):
    """A period in which a camera (or a whole recorder) wrote no footage."""

    camera = models.ForeignKey(
        Camera, null=True, blank=True, on_delete=models.PROTECT, related_name="outages"
    )
    recorder = models.ForeignKey(
        Recorder, null=True, blank=True, on_delete=models.PROTECT, related_name="outages"
    )
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=300, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    recovery_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("outage")
        verbose_name_plural = _("outages")

    def __str__(self):
        subject = self.recorder or self.camera
        return f"outage of {subject} from {self.started_at:%Y-%m-%d %H:%M} UTC"

    @property
    def open(self):
        return self.ended_at is None


# --- Exports -------------------------------------------------------------------------------
# An export job carries a frozen snapshot of the case facts (`case`), because its certificate
# must never change after issue and evidence knows nothing of requests.


def _new_token():
    return uuid.uuid4().hex


class ExportJob(models.Model):
    """One camera-window clipped into a master copy, a working copy and a certificate."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    token = models.CharField(max_length=32, unique=True, default=_new_token, editable=False)
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="export_jobs")
    start = models.DateTimeField(_("window start"))
    end = models.DateTimeField(_("window end"))
    allow_gaps = models.BooleanField(_("export despite gaps"), default=True)
    case = models.JSONField(_("case facts"), default=dict, blank=True)
    # What the job was made for, named without evidence knowing the type (e.g. a request item).
    linked_type = models.CharField(max_length=100, blank=True)
    linked_id = models.CharField(max_length=64, blank=True)
    linked_label = models.CharField(max_length=200, blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Identifies the current run, so a run that was given up on cannot overwrite a newer one.
    run_token = models.CharField(max_length=32, blank=True)
    worker = models.CharField(max_length=200, blank=True)

    # Results: the exact span of the master copy, the gaps inside the window, the sources.
    covered_start = models.DateTimeField(_("delivered from"), null=True, blank=True)
    covered_end = models.DateTimeField(_("delivered until"), null=True, blank=True)
    gaps = models.JSONField(default=list, blank=True)  # [[iso start, iso end], ...]
    sources = models.JSONField(default=list, blank=True)  # [{path, sha256, size, start, end}]

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the task message reached the broker. Unset on a queued job means it never did (the
    # broker was down): the job row is the outbox, and the sweeper hands it over again.
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="exportjob_status_heartbeat"),
            models.Index(fields=["linked_type", "linked_id"], name="exportjob_linked"),
        ]
        permissions = [("download_exportjob", _("Can download the files of this export"))]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self):
        return f"export {self.pk} {self.camera.code} {self.start:%Y-%m-%d %H:%M:%S} UTC"

    @property
    def reference(self):
        return self.case.get("reference", "")

    @property
    def finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ExportFile(models.Model):
    """One output of an export job: master copy, working copy or certificate."""

    class Kind(models.TextChoices):
        MASTER = "master", _("Master copy")
        WORKING = "working", _("Working copy")
        CERTIFICATE = "certificate", _("Certificate")

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Download addresses use this random token, never the row id.
    token = models.CharField(max_length=32, unique=True, default=_new_token, editable=False)
    path = models.CharField(max_length=500)  # relative to MEDIA_ROOT
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(default=0)
    duration = models.FloatField(null=True, blank=True)  # seconds
    codec = models.CharField(max_length=40, blank=True)
    frames = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["job", "kind"], name="exportfile_one_per_kind")
        ]
        verbose_name = _("export file")
        verbose_name_plural = _("export files")

    def __str__(self):
        return f"{self.get_kind_display()} of export {self.job_id}"

    @property
    def filename(self):
        return self.path.rsplit("/", 1)[-1]


class ExportJobUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key object permissions (django-guardian), one table per model."""

    content_object = models.ForeignKey(ExportJob, on_delete=models.CASCADE)


class ExportJobGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ExportJob, on_delete=models.CASCADE)
