from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import accounts, audit, roles
from .forms import LoginForm, RegistrationForm
from .models import AuditEntry


def home(request):
    if request.user.is_authenticated:
        return redirect("portal-dashboard")
    return render(request, "portal/home.html")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        accounts.clear_failures(form.get_user().get_username())
        response = super().form_valid(form)
        # The user's saved language follows them to any browser they log in from.
        from django.conf import settings

        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.get_user().preferred_language,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response


def register(request):
    if request.user.is_authenticated:
        return redirect("portal-dashboard")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.register_citizen(
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                mobile=form.cleaned_data["mobile"],
                password=form.cleaned_data["password1"],
                language=request.LANGUAGE_CODE,
                request=request,
            )
        except accounts.AccountError as error:
            form.add_error(None, str(error))
        else:
            return redirect("portal-register-done")
    return render(request, "registration/register.html", {"form": form})


def register_done(request):
    return render(request, "registration/register_done.html")


def confirm_email(request, token):
    try:
        accounts.confirm_email(token, request=request)
    except accounts.AccountError as error:
        messages.error(request, str(error))
        return redirect("portal-register")
    messages.success(request, _("Your email address is confirmed. You can log in now."))
    return redirect("portal-login")


@login_required
def dashboard(request):
    role = request.user.role or "none"
    return render(request, f"portal/dashboard_{role}.html")


@require_POST
def set_language(request):
    """Switch the interface language; remembered on the account for emails too."""
    from django.conf import settings

    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        if request.user.is_authenticated and request.user.preferred_language != language:
            request.user.preferred_language = language
            request.user.save(update_fields=["preferred_language"])
    return response


@roles.role_required(roles.AUDITOR, roles.ADMIN)
def audit_log(request):
    entries = AuditEntry.objects.order_by("-seq")  # the page shows actor_label, no join
    action = request.GET.get("action", "").strip()
    head_seq, head_hash = audit.chain_head()
    if action:
        paginator = Paginator(entries.filter(action__startswith=action), 50)
    else:
        paginator = audit.NewestFirstPaginator(entries, 50, head_seq=head_seq)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "portal/audit_log.html",
        {"page": page, "action": action, "head_seq": head_seq, "head_hash": head_hash},
    )


@roles.role_required(roles.AUDITOR, roles.ADMIN)
@require_POST
def audit_verify(request):
    report = audit.verify_chain()
    audit.log(
        "portal.audit.verified",
        request=request,
        details={"ok": report.ok, "checked": report.checked, "bad_seq": report.bad_seq},
    )
    if report.ok:
        messages.success(
            request, _("The audit chain is intact (%(n)d entries checked).") % {"n": report.checked}
        )
    else:
        messages.error(
            request, _("The audit chain is broken: %(reason)s") % {"reason": report.reason}
        )
    return redirect("portal-audit")
