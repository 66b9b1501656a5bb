"""verify_export FILE [--certificate PDF]: exit 0 when FILE is an issued export, else 1."""

from pathlib import Path

from django.core.management.base import BaseCommand

from evidence import hashing, verification


class Command(BaseCommand):
    help = (
        "Check that FILE's SHA-256 matches an issued export and, with --certificate, that the "
        "certificate's signature is valid and names that hash. Exit 0 on success, 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--certificate", help="the export's certificate (PDF)")

    def handle(self, *args, **options):
        ok, message = self.verify(Path(options["file"]), options.get("certificate"))
        if not ok:
            self.stderr.write(f"FAIL: {message}")
            raise SystemExit(1)
        self.stdout.write(f"OK: {message}")

    def verify(self, path, certificate):
        if not path.is_file():
            return False, f"{path} is not a readable file"
        digest = hashing.sha256_file(path)
        matches = verification.find_issued(digest)
        if not matches:
            return False, f"SHA-256 {digest} matches no issued export"
        kinds = ", ".join(sorted({m.kind for m in matches}))
        if not certificate:
            return True, f"SHA-256 {digest} matches an issued export ({kinds})"
        cert_path = Path(certificate)
        if not cert_path.is_file():
            return False, f"{cert_path} is not a readable file"
        result = verification.check_certificate(cert_path.read_bytes())
        if not result.signature_valid:
            return False, f"certificate: {result.reason}"
        if digest not in result.named_hashes.values():
            return False, f"the certificate does not name SHA-256 {digest}"
        return True, f"SHA-256 {digest} matches an issued export ({kinds}); certificate valid"
