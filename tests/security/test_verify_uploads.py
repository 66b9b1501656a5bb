"""Bad uploads on the public /verify/ page that tests/evidence/test_export_verify.py does not
cover: a body far over the limit (never read), a file just over it (reading stops), an unsigned
PDF, a PDF signed by another key, and CSRF on the upload form."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

BOUNDARY = "----security-test-boundary"


class EndlessBody:
    """A request body that is `length` bytes long without ever existing in memory; counts the
    bytes the server reads."""

    def __init__(self, head, length):
        self.head, self.length, self.read_bytes = head, length, 0

    def read(self, size=-1):
        left = self.length - self.read_bytes
        size = left if size is None or size < 0 else min(size, left)
        if size > 16 * 1024 * 1024:
            raise AssertionError("the server tried to read a huge body in one go")
        start, self.read_bytes = self.read_bytes, self.read_bytes + size
        data = self.head[start : start + size]
        return data + b"0" * (size - len(data))

    def readline(self, size=-1):
        return self.read(min(size, 64 * 1024) if size and size > 0 else 64 * 1024)


def multipart_head():
    return (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="certificate"; filename="huge.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    ).encode()


def post_body(client, body):
    return client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=reverse("evidence-verify"),
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
    )


def test_a_huge_upload_is_refused_without_reading_it(db, client, settings):
    settings.VERIFY_MAX_UPLOAD_BYTES = 1024 * 1024
    body = EndlessBody(multipart_head(), 2 * 1024**3)  # 2 GB announced
    response = post_body(client, body)
    assert response.status_code == 413
    assert "The file is too large (the limit is 1.0\xa0MB)." in response.content.decode()
    assert body.read_bytes == 0


def test_an_upload_over_the_limit_stops_being_read(db, client, settings, monkeypatch):
    from evidence import export_views

    # A body within the announced-length allowance is read, until the file passes the limit.
    monkeypatch.setattr(export_views, "_UPLOAD_OVERHEAD", 4 * 1024 * 1024)
    settings.VERIFY_MAX_UPLOAD_BYTES = 256 * 1024
    length = 3 * 1024 * 1024
    body = EndlessBody(multipart_head(), length)
    response = post_body(client, body)
    assert response.status_code == 413
    assert "The file is too large" in response.content.decode()
    assert body.read_bytes < 512 * 1024


def test_upload_limits_keep_bodies_out_of_memory(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


def test_the_upload_form_still_requires_csrf(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("evidence-verify"),
        {"certificate": SimpleUploadedFile("c.pdf", b"%PDF-1.7\n", "application/pdf")},
    )
    assert response.status_code == 403


def upload(client, data):
    return client.post(
        reverse("evidence-verify"),
        {"certificate": SimpleUploadedFile("c.pdf", data, content_type="application/pdf")},
    )


def plain_pdf(text="An ordinary PDF"):
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def test_a_pdf_without_a_signature_is_refused_cleanly(db, client):
    response = upload(client, plain_pdf())
    assert response.status_code == 200
    text = response.content.decode()
    assert "The certificate does not check out." in text
    assert "The PDF carries no signature." in text


@pytest.mark.slow
def test_a_pdf_signed_by_another_key_is_refused(db, client, tmp_path, settings):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from evidence import signing

    signing.key_files()  # the installation's own key exists (and is not the forger's)
    forger = tmp_path / "forger"
    signing.generate(forger)
    signer = signers.SimpleSigner.load(
        str(forger / signing.SIGNING_KEY),
        str(forger / signing.SIGNING_CERT),
        ca_chain_files=(str(forger / signing.CA_CERT),),
    )
    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(plain_pdf("Custody certificate"))),
        signers.PdfSignatureMetadata(
            field_name="ExportSignature", subfilter=fields.SigSeedSubFilter.PADES
        ),
        signer=signer,
        output=out,
    )
    response = upload(client, out.getvalue())
    assert response.status_code == 200
    text = response.content.decode()
    assert "The certificate does not check out." in text
    assert "The signature was not made with this installation&#x27;s key." in text
