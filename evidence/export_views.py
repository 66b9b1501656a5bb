"""Export screens: the control room's job list and detail, downloads, public verification."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from portal import roles
from portal.access import deny

from . import hashing, verification
from .models import ExportFile, ExportJob
from .services import exports


@roles.role_required(*roles.CONTROL_ROOM)
def job_list(request):
    jobs = ExportJob.objects.select_related("camera").order_by("-created_at")
    status = request.GET.get("status", "")
    if status in ExportJob.Status.values:
        jobs = jobs.filter(status=status)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/exports/list.html",
        {"page": page, "status": status, "statuses": ExportJob.Status.choices},
    )


@login_required
def job_detail(request, token):
    job = get_object_or_404(ExportJob.objects.select_related("camera"), token=token)
    if not exports.can_download(request.user, job):
        deny(request, obj=job, reason="export not visible to this user")
    return render(
        request,
        "evidence/exports/detail.html",
        {
            "job": job,
            "files": job.files.order_by("kind"),
            "can_retry": request.user.is_control_room and job.status == ExportJob.Status.FAILED,
        },
    )


@require_POST
@roles.role_required(*roles.CONTROL_ROOM)
def job_retry(request, token):
    job = get_object_or_404(ExportJob, token=token)
    try:
        exports.retry_export(job=job, actor=request.user)
    except exports.ExportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The export was queued again."))
    return redirect("evidence-export-detail", token=job.token)


@login_required
def download(request, token):
    """Stream one output file; every download is a custody event, every refusal a 404."""
    file = ExportFile.objects.select_related("job__camera").filter(token=token).first()
    if file is None:
        raise Http404
    job = file.job
    if not exports.can_download(request.user, job):
        deny(request, obj=job, reason=f"download of the {file.kind} refused")
    if job.status != ExportJob.Status.SUCCEEDED:
        raise Http404
    path = exports.file_path(file)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    exports.record_download(file=file, user=request.user, request=request)
    return FileResponse(handle, as_attachment=True, filename=exports.download_name(file))


class HashForm(forms.Form):
    sha256 = forms.CharField(
        label=gettext_lazy("SHA-256 of the file"),
        max_length=64,
        min_length=64,
        required=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_sha256(self):
        value = self.cleaned_data["sha256"].strip().lower()
        if not hashing.is_sha256(value):
            raise forms.ValidationError(_("Enter 64 hexadecimal characters."))
        return value


class CertificateForm(forms.Form):
    certificate = forms.FileField(label=gettext_lazy("Certificate (PDF)"))

    def __init__(self, *args, max_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    @staticmethod
    def too_large_message(max_bytes):
        return _("The file is too large (the limit is %(size)s).") % {
            "size": filesizeformat(max_bytes)
        }

    def clean_certificate(self):
        upload = self.cleaned_data["certificate"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(self.too_large_message(self.max_bytes))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("The file is not a PDF."))
        return upload


# Room for the multipart envelope and the CSRF field around the file itself.
_UPLOAD_OVERHEAD = 64 * 1024


class _SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit, so a huge body is neither kept
    in memory nor spooled to disk; the view then says the file is too large."""

    def __init__(self, request, max_bytes):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_large(max_bytes):
    """The upload form with the "too large" message next to the file field (and no other)."""
    form = CertificateForm({}, {}, max_bytes=max_bytes)
    form.is_valid()
    form.errors["certificate"] = form.error_class([CertificateForm.too_large_message(max_bytes)])
    return form


@csrf_exempt  # checked below, once the upload handlers that bound the body are in place
def verify(request):
    """Public: does a hash (computed in the browser) or a certificate match an issued export?

    Checks change nothing and are not audited: an anonymous page must not be able to grow the
    append-only log. An upload larger than VERIFY_MAX_UPLOAD_BYTES is refused without reading
    more of it than the limit.
    """
    from django.conf import settings

    max_bytes = settings.VERIFY_MAX_UPLOAD_BYTES
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_bytes + _UPLOAD_OVERHEAD:
            # Refused before a byte of the body is read (nothing changes, no CSRF needed).
            return _verify_page(request, {"cert_form": _too_large(max_bytes)}, status=413)
        limit = _SizeLimitHandler(request, max_bytes)
        request.upload_handlers.insert(0, limit)
        return csrf_protect(_verify_post)(request, limit)
    context = {}
    hash_form = HashForm(request.GET or None)
    if hash_form.is_bound and hash_form.is_valid():
        context["sha256"] = hash_form.cleaned_data["sha256"]
        context["matches"] = verification.find_issued(context["sha256"])
    context["hash_form"] = hash_form
    return _verify_page(request, context)


def _verify_post(request, limit):
    from django.conf import settings

    max_bytes = settings.VERIFY_MAX_UPLOAD_BYTES
    cert_form = CertificateForm(request.POST, request.FILES, max_bytes=max_bytes)
    if limit.exceeded:
        return _verify_page(request, {"cert_form": _too_large(max_bytes)}, status=413)
    context = {"cert_form": cert_form}
    if cert_form.is_valid():
        result = verification.check_certificate(cert_form.cleaned_data["certificate"].read())
        context["certificate_result"] = result
        context["named"] = [
            (kind, sha, verification.find_issued(sha))
            for kind, sha in sorted(result.named_hashes.items())
        ]
    return _verify_page(request, context)


def _verify_page(request, context, status=200):
    from django.conf import settings

    context.setdefault("hash_form", HashForm())
    context.setdefault("cert_form", CertificateForm(max_bytes=settings.VERIFY_MAX_UPLOAD_BYTES))
    return render(request, "evidence/verify/verify.html", context, status=status)
