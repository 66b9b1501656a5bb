"""Answers to "is this file exactly what was exported?", for the public page and the command.

Only facts about the export are given (kind, camera code, window, issue time): never names.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import hashing, signing
from .models import ExportFile, ExportJob

_KEYWORD = re.compile(r"\b(master|working)-sha256=([0-9a-f]{64})\b")


@dataclass(frozen=True)
class Match:
    kind: str
    kind_label: str
    camera: str
    window_start: object
    window_end: object
    issued_at: object
    size: int


def find_issued(sha256):
    """Matches of `sha256` among the files of succeeded export jobs."""
    sha256 = (sha256 or "").strip().lower()
    if not hashing.is_sha256(sha256):
        return []
    files = ExportFile.objects.filter(
        sha256=sha256, job__status=ExportJob.Status.SUCCEEDED
    ).select_related("job__camera")
    return [
        Match(
            kind=f.kind,
            kind_label=f.get_kind_display(),
            camera=f.job.camera.code,
            window_start=f.job.start,
            window_end=f.job.end,
            issued_at=f.job.finished_at,
            size=f.size,
        )
        for f in files
    ]


@dataclass(frozen=True)
class CertificateResult:
    signature_valid: bool
    reason: str
    sha256: str = ""
    issued: list = field(default_factory=list)  # matches of the certificate file itself
    named_hashes: dict = field(default_factory=dict)  # {"master": sha, "working": sha}

    @property
    def ok(self):
        return self.signature_valid and bool(self.issued)


def check_certificate(data):
    """Check an uploaded certificate: signature, and whether it is one this portal issued."""
    digest = hashing.sha256_bytes(data)
    check = signing.check_pdf(data)
    named = dict(_KEYWORD.findall(check.keywords)) if check.valid else {}
    issued = [m for m in find_issued(digest) if m.kind == ExportFile.Kind.CERTIFICATE]
    reason = check.reason
    if check.valid and not issued:
        reason = _("The signature is valid, but this certificate is not one issued here.")
    return CertificateResult(check.valid, reason, digest, issued, named)
