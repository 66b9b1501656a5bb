"""The installation's signing key: generated from a local CA, or configured from PEM files."""

import pytest
from cryptography import x509

from evidence import signing
from evidence.exports import certificate
from evidence.models import ExportFile

from .export_support import *  # noqa: F403 (fixtures)
from .export_support import media_file, new_job, run_direct


def minimal_pdf():
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 72, "test")
    page.save()
    return buffer.getvalue()


def test_generated_signing_certificate_has_non_repudiation(settings):
    files = signing.key_files()
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
    assert cert.issuer == ca.subject
    assert oct(files.key.stat().st_mode & 0o777) == "0o600"
    assert signing.key_files() == files  # generated once, then reused


def test_a_configured_key_is_used_instead_of_generating(settings, tmp_path):
    signing.generate(tmp_path / "city")
    settings.SIGNING_KEY_FILE = str(tmp_path / "city" / signing.SIGNING_KEY)
    settings.SIGNING_CERT_FILE = str(tmp_path / "city" / signing.SIGNING_CERT)
    settings.SIGNING_CA_FILE = str(tmp_path / "city" / signing.CA_CERT)
    settings.SIGNING_ALLOW_GENERATE = False
    signed = signing.sign_pdf(minimal_pdf(), reason="test", location="test")
    assert signing.check_pdf(signed).valid
    assert not (settings.SIGNING_DIR / signing.SIGNING_KEY).exists()
    # Against another installation's CA the same signature is not trusted.
    settings.SIGNING_CA_FILE = ""
    settings.SIGNING_KEY_FILE = settings.SIGNING_CERT_FILE = ""
    settings.SIGNING_ALLOW_GENERATE = True
    check = signing.check_pdf(signed)
    assert not check.valid and "installation's key" in check.reason


def test_incomplete_configuration_is_refused(settings):
    settings.SIGNING_KEY_FILE = "/etc/portal/key.pem"
    with pytest.raises(signing.SigningNotConfigured):
        signing.key_files()


def pdf_text(data):
    """The content streams of a reportlab PDF (ASCII85 + Flate), decoded."""
    import base64
    import re
    import zlib

    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        stream = stream.strip()
        try:
            if stream.endswith(b"~>"):
                stream = base64.a85decode(b"<~" + stream, adobe=True)
            text.append(zlib.decompress(stream).decode("latin-1"))
        except (ValueError, zlib.error):
            continue
    return "\n".join(text)


def subset_code(text, char):
    """How the content streams write a non-ASCII character: its code in the embedded TrueType
    subset (read from the subset's ToUnicode map), as a PDF string escape."""
    import re

    code = re.search(rf"<([0-9A-F]{{2}})> <{ord(char):04X}>", text).group(1)
    return f"\\{int(code, 16):03o}"


@pytest.mark.slow
def test_certificate_prints_the_case_device_hashes_gaps_and_declaration(footage, cast):
    from evidence.models import Outage, Segment
    from portal import audit

    from .export_support import T0

    Segment.objects.filter(pk=footage[1].pk).delete()
    Outage.objects.create(camera=footage[0].camera, started_at=T0, reason="NVR disk error")
    job = run_direct(
        new_job(
            footage[0].camera,
            3,
            9.5,
            actor=cast["operator"],
            case={"reference": "FR-2026-000777 (x) <b>", "station_name": "Central PS"},
        )
    )
    cert = job.files.get(kind=ExportFile.Kind.CERTIFICATE)
    text = pdf_text(media_file(cert).read_bytes())
    for expected in [
        "(FR-2026-000777 \\(x\\) <) Tj (b) Tj (>)",  # free text printed literally, no markup
        "Central PS",
        "Section 63\\(4\\)\\(c\\) of the Bharatiya Sakshya Adhiniyam, 2023",
        "Part A",
        "Part B",
        "DS-7732",
        "SN-0042",
        "00:11:22:33:44:55",
        "+1.500 s",
        # The gap, with an en dash between its ends.
        f"2026-03-01 15:30:04 IST {subset_code(text, '–')} 2026-03-01 15:30:08 IST",
        "NVR disk error",
        "SHA-256",
        footage[0].path,
        footage[0].sha256,
        "evidence.export.outputs_hashed",
    ]:
        assert expected in text, expected
    for output in job.files.exclude(kind=ExportFile.Kind.CERTIFICATE):
        assert output.sha256 in text
    seq, _head = audit.chain_head()
    assert "Audit chain head at issue: entry #" in text
    assert certificate.verification_url(job.files.get(kind="master").sha256).split("?")[0] in text


def test_device_facts_not_recorded_are_printed_as_a_dash(camera):
    """A certificate never prints a bare separator for a serial or MAC nobody recorded."""
    camera.mac_address = "00:11:22:33:44:66"
    rows = dict(certificate._device_rows(camera))
    assert rows["Camera serial / MAC"] == "- / 00:11:22:33:44:66"
    camera.mac_address = ""
    assert dict(certificate._device_rows(camera))["Camera serial / MAC"] == "- / -"
