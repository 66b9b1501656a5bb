from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="portal-home"),
    path("dashboard/", views.dashboard, name="portal-dashboard"),
    path("accounts/login/", views.LoginView.as_view(), name="portal-login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="portal-logout"),
    path("accounts/register/", views.register, name="portal-register"),
    path("accounts/register/done/", views.register_done, name="portal-register-done"),
    path("accounts/confirm/<str:token>/", views.confirm_email, name="portal-confirm-email"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="emails/password_reset.txt",
            subject_template_name="emails/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("language/", views.set_language, name="portal-set-language"),
    path("audit/", views.audit_log, name="portal-audit"),
    path("audit/verify/", views.audit_verify, name="portal-audit-verify"),
    path("admin/", admin.site.urls),
    path("", include("evidence.urls")),
    path("", include("requests_app.urls")),
]
