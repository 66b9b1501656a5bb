"""The custody certificate: a PDF (reportlab) laid out under Section 63(4)(c) of the Bharatiya
Sakshya Adhiniyam, 2023, signed PAdES with the installation's key (pyHanko).

Everything printed comes from the job's frozen case facts, the index and the audit log, so the
certificate states what was delivered, including gaps and outages, and never changes after issue.
"""

import io
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal import audit
from portal.models import AuditEntry

from .. import fonts, hashing, signing
from ..models import ExportFile

IST = timezone.get_fixed_timezone(330)


def ist(moment):
    if moment is None:
        return "-"
    return timezone.localtime(moment, IST).strftime("%Y-%m-%d %H:%M:%S IST")


def verification_url(sha256):
    return f"{settings.SITE_URL}{reverse('evidence-verify')}?{urlencode({'sha256': sha256})}"


def keywords(job, files):
    """Machine-readable facts in the PDF's Info dictionary (covered by the signature)."""
    parts = [f"footage-export={job.token}"]
    parts += [f"{f.kind}-sha256={f.sha256}" for f in files]
    return " ".join(parts)


LATIN, LATIN_BOLD, DEVANAGARI = "Vera", "Vera-Bold", "NotoSansDevanagari"


def _register_fonts():
    """Embedded TrueType fonts from pip packages: the standard PDF fonts cannot draw Hindi."""
    if DEVANAGARI in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(LATIN, str(fonts.vera_path())))
    pdfmetrics.registerFont(TTFont(LATIN_BOLD, str(fonts.vera_path("Bd"))))
    pdfmetrics.registerFont(TTFont(f"{LATIN}-Italic", str(fonts.vera_path("It"))))
    pdfmetrics.registerFont(TTFont(f"{LATIN}-BoldItalic", str(fonts.vera_path("BI"))))
    pdfmetrics.registerFontFamily(
        LATIN,
        normal=LATIN,
        bold=LATIN_BOLD,
        italic=f"{LATIN}-Italic",
        boldItalic=f"{LATIN}-BoldItalic",
    )
    pdfmetrics.registerFont(TTFont(DEVANAGARI, str(fonts.devanagari_path())))


def markup(text):
    """Paragraph markup for any text: escaped first, so nothing in it is parsed as markup, then
    each Devanagari run wrapped in the Devanagari font."""
    return "".join(
        f'<font name="{DEVANAGARI}">{part}</font>' if devanagari else part
        for devanagari, part in fonts.script_runs(escape(str(text)))
    )


class _Doc:
    def __init__(self):
        _register_fonts()
        styles = getSampleStyleSheet()
        self.h1 = styles["Title"].clone("h1", fontName=LATIN_BOLD)
        self.h2 = styles["Heading2"].clone("h2", fontName=LATIN_BOLD)
        self.body = styles["BodyText"].clone("body", fontName=LATIN)
        self.small = self.body.clone("small", fontSize=7.5, leading=9)
        # Hashes in a fixed-width font, small enough that 64 hex digits never wrap. They are
        # ASCII hex, so the standard Courier draws them.
        self.mono = self.small.clone("mono", fontName="Courier", fontSize=6.5, leading=8)
        self.story = []

    def paragraph(self, text, style=None):
        """A paragraph of any text. Only one with Devanagari in it is shaped (HarfBuzz places
        the matras and forms the conjuncts); Latin-only text stays unshaped, unkerned plain
        strings in the content stream."""
        style = style or self.body
        if fonts.has_devanagari(str(text)):
            # Matras above and below the line need more room between lines than Latin does.
            leading = max(style.leading, 1.4 * style.fontSize)
            style = style.clone(f"{style.name}-shaped", shaping=1, leading=leading)
        return Paragraph(markup(text), style)

    def heading(self, text):
        self.story.append(self.paragraph(text, self.h2))

    def para(self, text, style=None):
        self.story.append(self.paragraph(text, style))

    def facts(self, rows):
        data = [
            [self.paragraph(k, self.small), self.paragraph(v or "-", self.small)] for k, v in rows
        ]
        self.table(data, [55 * mm, 115 * mm], header=False)

    def table(self, data, widths, header=True):
        table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey))
        table.setStyle(TableStyle(style))
        self.story += [table, Spacer(1, 3 * mm)]

    def rows(self, header, rows, widths, mono=()):
        def cell(value, column):
            if column in mono:
                return Paragraph(escape(str(value)), self.mono)
            return self.paragraph(value, self.small)

        head = [self.paragraph(h, self.small) for h in header]
        body = [[cell(v, i) for i, v in enumerate(r)] for r in rows]
        self.table([head, *body], widths)


def _joined(name, code):
    return f"{name} ({code})" if name and code else (name or code)


def _fir(case):
    text = "/".join(part for part in (case.get("fir_number"), case.get("fir_year")) if part)
    if case.get("fir_date"):
        text += f" of {case['fir_date']}"
    return text


def _device_rows(camera):
    recorder = camera.recorder
    offset = recorder.clock_offset_seconds
    return [
        ("Camera", f"{camera.code} — {camera.name}"),
        ("Camera location", camera.location_description),
        ("Camera make / model", f"{camera.make} {camera.model}".strip()),
        ("Camera serial / MAC", f"{camera.serial_number or '-'} / {camera.mac_address or '-'}"),
        ("Recorder", f"{recorder.get_kind_display()} {recorder.code} — {recorder.name}"),
        ("Recorder make / model", f"{recorder.make} {recorder.model}".strip()),
        ("Recorder serial number", recorder.serial_number),
        ("Recorder MAC or other ID", recorder.mac_address),
        ("Recorder location", recorder.location),
        (
            "Recorder clock offset",
            "not known" if offset is None else f"{offset:+.3f} s (recorder clock minus UTC)",
        ),
    ]


def build_pdf(job, *, outages, issued_at=None):
    """The unsigned certificate PDF for a job whose master and working copies are recorded."""
    issued_at = issued_at or timezone.now()
    case = job.case
    files = list(job.files.exclude(kind=ExportFile.Kind.CERTIFICATE).order_by("kind"))
    master = next(f for f in files if f.kind == ExportFile.Kind.MASTER)
    doc = _Doc()
    doc.story.append(doc.paragraph("Certificate of export and chain of custody", doc.h1))
    doc.para(
        "Certificate under Section 63(4)(c) of the Bharatiya Sakshya Adhiniyam, 2023, for an "
        "electronic record produced from a CCTV recording system, with hash report."
    )
    doc.heading("1. Case (frozen at the time of the request)")
    doc.facts(
        [
            ("Export", f"{job.pk} ({job.token})"),
            ("Request reference", case.get("reference")),
            ("FIR", _fir(case)),
            ("Police station", _joined(case.get("station_name"), case.get("station_code"))),
            ("Requested by", case.get("requester")),
            ("Approved by", case.get("approver")),
            ("Prepared by (operator)", case.get("operator")),
            ("Purpose", case.get("purpose")),
            ("Place of incident", case.get("incident_place")),
        ]
    )
    doc.heading("2. Device (computer output source)")
    doc.facts(_device_rows(job.camera))
    doc.heading("3. Window and span delivered")
    gaps = [f"{ist_iso(a)} – {ist_iso(b)}" for a, b in job.gaps]
    doc.facts(
        [
            ("Requested window", f"{ist(job.start)} to {ist(job.end)}"),
            ("Master copy covers", f"{ist(job.covered_start)} to {ist(job.covered_end)}"),
            (
                "Why the master starts earlier",
                "Stream copy can only start at a keyframe: the master starts at the keyframe at "
                "or before the window start. The working copy is trimmed to the window.",
            ),
            ("Gaps in the recording", "; ".join(gaps) or "none"),
            (
                "Recording outages",
                "; ".join(
                    f"{ist(o.started_at)} – {ist(o.ended_at) if o.ended_at else 'open'} {o.reason}"
                    for o in outages
                )
                or "none recorded",
            ),
        ]
    )
    doc.heading("4. Source segments (re-hashed at export, compared with the hash at ingest)")
    doc.rows(
        ["File, start", "Bytes", "SHA-256"],
        [(f"{s['path']}, {ist_iso(s['start'])}", s["size"], s["sha256"]) for s in job.sources],
        [62 * mm, 16 * mm, 96 * mm],
        mono={2},
    )
    doc.heading("5. Outputs (hash report)")
    doc.rows(
        ["Output", "Bytes", "Duration", "Codec", "SHA-256"],
        [(f.get_kind_display(), f.size, f"{f.duration:.3f} s", f.codec, f.sha256) for f in files],
        [24 * mm, 16 * mm, 16 * mm, 14 * mm, 104 * mm],
        mono={4},
    )
    doc.para(f"Hash algorithm: {hashing.ALGORITHM} (FIPS 180-4), computed over the whole file.")
    doc.heading("6. Custody events so far (from the audit log)")
    events = AuditEntry.objects.filter(
        object_type=job._meta.label_lower, object_id=str(job.pk)
    ).order_by("seq")
    doc.rows(
        ["#", "Time", "Event", "By"],
        [(e.seq, ist(e.at), e.action, e.actor_label or "system") for e in events],
        [14 * mm, 38 * mm, 78 * mm, 40 * mm],
    )
    seq, head = audit.chain_head()
    doc.para(f"Audit chain head at issue: entry #{seq}, {head}", doc.small)
    doc.heading("7. Verification")
    url = verification_url(master.sha256)
    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(
        32 * mm, 32 * mm, transform=[32 * mm / (x1 - x0), 0, 0, 32 * mm / (y1 - y0), 0, 0]
    )
    drawing.add(qr)
    doc.story.append(drawing)
    doc.para(f"Check any copy of these files at {url}", doc.small)
    _declarations(doc, job, master, files, issued_at)

    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Custody certificate, export {job.pk}",
        author=settings.SIGNING_SUBJECT,
        subject=f"CCTV export {job.token}",
        keywords=keywords(job, files),
        creator="footage-portal",
        invariant=False,
    )
    pdf.build(doc.story)
    return buffer.getvalue()


def ist_iso(value):
    from django.utils.dateparse import parse_datetime

    return ist(parse_datetime(value) if isinstance(value, str) else value)


def _declarations(doc, job, master, files, issued_at):
    hashes = "; ".join(f"{f.get_kind_display()}: {f.sha256}" for f in files)
    device = job.camera.recorder
    statements = [
        f"The electronic record(s) named above were produced from the device "
        f"{device.get_kind_display()} {device.make} {device.model}, serial number "
        f"{device.serial_number or '-'}, MAC/ID {device.mac_address or '-'}, recording camera "
        f"{job.camera.code}.",
        "The device was at the material time under the lawful control of the control room and "
        "was regularly used to store CCTV recordings in the ordinary course of its activities.",
        "Throughout the material part of that period the device was operating properly, or, "
        "where it was not (the gaps and outages stated in part 3), this did not affect the "
        "electronic record or its accuracy.",
        f"The hash values of the electronic record(s), computed with {hashing.ALGORITHM}, are: "
        f"{hashes}.",
    ]
    doc.heading("Part A — to be filled by the person in charge of the device")
    for number, text in enumerate(statements, 1):
        doc.para(f"({number}) {text}", doc.small)
    doc.facts(
        [
            ("Name", job.case.get("operator")),
            ("Designation", "Control-room operator"),
            ("Date and time (IST)", ist(issued_at)),
            ("Place", settings.SIGNING_SUBJECT),
            ("Signature", "digitally signed (PAdES) with the installation's key"),
        ]
    )
    doc.heading("Part B — to be filled by the expert")
    for number, text in enumerate([statements[0], statements[3]], 1):
        doc.para(f"({number}) {text}", doc.small)
    doc.facts(
        [
            ("Name", ""),
            ("Designation", ""),
            ("Date and time (IST)", ""),
            ("Place", ""),
            ("Signature", ""),
        ]
    )


def signed_certificate(job, *, outages):
    """The signed certificate bytes, checked against the installation's CA before returning."""
    data = signing.sign_pdf(
        build_pdf(job, outages=outages),
        reason=f"Custody certificate for CCTV export {job.token}",
        location=settings.SIGNING_SUBJECT,
    )
    check = signing.check_pdf(data)
    if not check.valid:
        raise signing.SigningNotConfigured(
            f"the signed certificate does not validate: {check.reason}"
        )
    return data
