"""The public verification page and `manage.py verify_export`."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from evidence.models import ExportFile

from .export_support import *  # noqa: F403 (fixtures)
from .export_support import CASE, media_file

pytestmark = pytest.mark.slow

NAMES = [CASE[key] for key in ("requester", "approver", "operator")]


def path_of(job, kind):
    return media_file(job.files.get(kind=kind))


def upload(client, data, name="certificate.pdf"):
    return client.post(
        reverse("evidence-verify"),
        {"certificate": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_page_is_public_and_carries_the_browser_hashing_script(db, client):
    response = client.get(reverse("evidence-verify"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "evidence/verify.js" in page and 'type="file"' in page
    assert "<script>" not in page  # no inline script


def test_hash_of_an_issued_file_matches_without_personal_data(done_job, client):
    master = done_job.files.get(kind=ExportFile.Kind.MASTER)
    page = client.get(reverse("evidence-verify"), {"sha256": master.sha256.upper()})
    text = page.content.decode()
    assert "Match: this file is an issued export." in text
    assert "cam-mg-road" in text
    for name in NAMES + [CASE["reference"], CASE["station_name"]]:
        assert name not in text


def test_unknown_or_malformed_hash_does_not_match(done_job, client):
    text = client.get(reverse("evidence-verify"), {"sha256": "ab" * 32}).content.decode()
    assert "No match" in text
    text = client.get(reverse("evidence-verify"), {"sha256": "not-a-hash"}).content.decode()
    assert "No match" not in text and "64" in text  # a form error next to the field


def test_issued_certificate_checks_out(done_job, client):
    data = path_of(done_job, ExportFile.Kind.CERTIFICATE).read_bytes()
    text = upload(client, data).content.decode()
    assert "The certificate is signed by this portal and was issued here." in text
    master = done_job.files.get(kind=ExportFile.Kind.MASTER)
    assert master.sha256 in text
    for name in NAMES:
        assert name not in text


def test_altered_certificate_fails(done_job, client):
    data = bytearray(path_of(done_job, ExportFile.Kind.CERTIFICATE).read_bytes())
    data[len(data) // 3] ^= 0x01
    text = upload(client, bytes(data)).content.decode()
    assert "The certificate does not check out." in text


@pytest.mark.parametrize(
    "data, message",
    [
        (b"GIF89a not a pdf", "The file is not a PDF."),
        (b"%PDF-1.7\n1 0 obj << /Broken", "The certificate does not check out."),
        (b"%PDF-1.7\n" + b"0" * (64 * 1024), "The file is too large"),
    ],
)
def test_bad_uploads_are_rejected_cleanly(db, client, settings, data, message):
    settings.VERIFY_MAX_UPLOAD_BYTES = 32 * 1024
    response = upload(client, data)
    assert response.status_code in (200, 413)
    assert message in response.content.decode()


def run_command(*args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_export", *args)
    return exit_info.value.code


def test_verify_export_exit_codes(done_job, tmp_path, capsys):
    working = str(path_of(done_job, ExportFile.Kind.WORKING))
    certificate = path_of(done_job, ExportFile.Kind.CERTIFICATE)
    call_command("verify_export", working)  # exit 0: returns normally
    call_command("verify_export", working, "--certificate", str(certificate))
    assert "OK:" in capsys.readouterr().out

    altered = tmp_path / "altered.mp4"
    data = bytearray(path_of(done_job, ExportFile.Kind.WORKING).read_bytes())
    data[-10] ^= 0x01
    altered.write_bytes(bytes(data))
    assert run_command(str(altered)) == 1
    assert "matches no issued export" in capsys.readouterr().err

    bad_cert = tmp_path / "bad.pdf"
    cert_data = bytearray(certificate.read_bytes())
    cert_data[len(cert_data) // 2] ^= 0x01
    bad_cert.write_bytes(bytes(cert_data))
    assert run_command(working, "--certificate", str(bad_cert)) == 1
    assert "certificate:" in capsys.readouterr().err
    assert run_command(str(tmp_path / "missing.mp4")) == 1


def test_verify_export_refuses_a_certificate_naming_other_files(done_job, footage, tmp_path):
    """A valid certificate of another export does not vouch for this file."""
    source = tmp_path / "source.mp4"
    source.write_bytes((media_file(done_job.files.get(kind="master"))).read_bytes())
    from .export_support import new_job, run_direct

    other = run_direct(new_job(footage[0].camera, 0, 2))
    other_cert = path_of(other, ExportFile.Kind.CERTIFICATE)
    assert run_command(str(source), "--certificate", str(other_cert)) == 1


def test_verify_export_exit_status_as_a_process(transactional_db, done_job, tmp_path):
    """The exit status and one-line reason as other tools see them."""
    import subprocess
    import sys

    from django.conf import settings

    from tests.services import child_env, require_postgres

    require_postgres()  # the child process reads the committed rows
    working = str(path_of(done_job, ExportFile.Kind.WORKING))
    certificate = str(path_of(done_job, ExportFile.Kind.CERTIFICATE))

    def run(*args):
        return subprocess.run(
            [sys.executable, "manage.py", "verify_export", *args],
            cwd=settings.BASE_DIR,
            env=child_env(),
            capture_output=True,
            text=True,
        )

    ok = run(working, "--certificate", certificate)
    assert ok.returncode == 0, ok.stderr
    stranger = tmp_path / "other.mp4"
    stranger.write_bytes(b"not the export")
    failed = run(str(stranger))
    assert failed.returncode == 1
    assert len(failed.stderr.strip().splitlines()) == 1
