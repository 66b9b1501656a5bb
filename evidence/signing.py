"""The installation's signing key: PAdES signatures on certificates, and their validation.

Either configured (SIGNING_KEY_FILE, SIGNING_CERT_FILE, SIGNING_CA_FILE: PEM files of a key the
city already has), or generated on first use into SIGNING_DIR from a local certificate authority.
Generation is refused with DEBUG off unless SIGNING_ALLOW_GENERATE is set, so a production
installation never signs with a key nobody decided to trust.
"""

import fcntl
import io
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

CA_CERT, CA_KEY = "ca.pem", "ca.key.pem"
SIGNING_CERT, SIGNING_KEY = "signing.pem", "signing.key.pem"

logger = logging.getLogger(__name__)


class SigningNotConfigured(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class KeyFiles:
    key: Path
    cert: Path
    ca: Path
    passphrase: bytes | None = None


def key_files():
    """The PEM files to sign with, generating a local CA and key on first use if allowed."""
    if settings.SIGNING_KEY_FILE or settings.SIGNING_CERT_FILE:
        if not (
            settings.SIGNING_KEY_FILE and settings.SIGNING_CERT_FILE and settings.SIGNING_CA_FILE
        ):
            raise SigningNotConfigured(
                "Set all of SIGNING_KEY_FILE, SIGNING_CERT_FILE and SIGNING_CA_FILE."
            )
        return KeyFiles(
            key=Path(settings.SIGNING_KEY_FILE),
            cert=Path(settings.SIGNING_CERT_FILE),
            ca=Path(settings.SIGNING_CA_FILE),
            passphrase=settings.SIGNING_KEY_PASSPHRASE.encode() or None,
        )
    folder = Path(settings.SIGNING_DIR)
    files = KeyFiles(key=folder / SIGNING_KEY, cert=folder / SIGNING_CERT, ca=folder / CA_CERT)
    if files.key.exists() and files.cert.exists() and files.ca.exists():
        return files
    if not settings.SIGNING_ALLOW_GENERATE:
        raise SigningNotConfigured(
            "No signing key: configure SIGNING_KEY_FILE/SIGNING_CERT_FILE/SIGNING_CA_FILE, or set "
            "SIGNING_ALLOW_GENERATE=1 to create a local certificate authority in SIGNING_DIR."
        )
    folder.mkdir(parents=True, exist_ok=True)
    # Web server and workers may both get here first: one generates, the others wait.
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (files.key.exists() and files.cert.exists() and files.ca.exists()):
            generate(folder)
    return files


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.SIGNING_SUBJECT),
        ]
    )


def _write(path, data, private=False):
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _pem_key(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def _key_usage(*granted):
    return x509.KeyUsage(**{usage: usage in granted for usage in _USAGES})


def generate(folder):
    """Create a local CA and a signing certificate (digitalSignature + nonRepudiation)."""
    now = datetime.now(UTC) - timedelta(minutes=5)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca_name = _name(f"{settings.SIGNING_SUBJECT} certificate authority")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=365 * 20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            _key_usage("key_cert_sign", "crl_sign"),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{settings.SIGNING_SUBJECT} export signing"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=365 * 5))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            # content_commitment is X.509's nonRepudiation.
            _key_usage("digital_signature", "content_commitment"),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / CA_KEY, _pem_key(ca_key), private=True)
    _write(folder / SIGNING_KEY, _pem_key(key), private=True)
    _write(folder / SIGNING_CERT, cert.public_bytes(serialization.Encoding.PEM))
    _write(folder / CA_CERT, ca_cert.public_bytes(serialization.Encoding.PEM))


def signer():
    from pyhanko.sign import signers

    files = key_files()
    return signers.SimpleSigner.load(
        str(files.key),
        str(files.cert),
        ca_chain_files=(str(files.ca),),
        key_passphrase=files.passphrase,
    )


def sign_pdf(data, *, reason, location):
    """PAdES-sign the PDF bytes with the installation's key; returns the signed bytes."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(
        field_name="ExportSignature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    out = io.BytesIO()
    signers.sign_pdf(writer, meta, signer=signer(), output=out)
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    reason: str
    keywords: str = ""


def trust_roots():
    from pyhanko.keys import load_cert_from_pemder

    return [load_cert_from_pemder(str(key_files().ca))]


def check_pdf(data):
    """Is `data` a PDF whose signature is intact, covers the whole file and chains to our CA?

    Never raises for bad input: malformed or unsigned files give valid=False with a reason.
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not data.startswith(b"%PDF-"):
        return SignatureCheck(False, _("The file is not a PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return SignatureCheck(False, _("The PDF carries no signature."))
        context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
        status = validate_pdf_signature(signatures[-1], context)
        info = reader.trailer_view.get("/Info")
        info = info.get_object() if info is not None else {}
        keywords = str(info.get("/Keywords", ""))
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        return SignatureCheck(False, _("The PDF cannot be read: %(error)s") % {"error": error})
    except Exception as error:  # a hostile upload must never become a server error
        logger.warning("certificate check failed unexpectedly: %r", error)
        return SignatureCheck(False, _("The PDF cannot be read."))
    if not status.intact or not status.valid:
        return SignatureCheck(
            False, _("The signature does not match the document: it was altered.")
        )
    if not status.trusted:
        return SignatureCheck(False, _("The signature was not made with this installation's key."))
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureCheck(False, _("The PDF was changed after it was signed."))
    return SignatureCheck(True, _("The signature is valid."), keywords)
