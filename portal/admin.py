from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import audit, roles
from .models import AuditEntry, PoliceStation, User


@admin.register(PoliceStation)
class PoliceStationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "contact_email", "contact_phone"]
    search_fields = ["code", "name", "district"]
    list_filter = ["district"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.log(
            "portal.station.changed" if change else "portal.station.created",
            request=request,
            obj=obj,
            details={"fields": list(form.changed_data)},
        )


class UserAdminForm(BaseUserAdmin.form):
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r, roles.LABELS[r]) for r in roles.ALL_ROLES]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].initial = self.instance.role

    def clean(self):
        cleaned = super().clean()
        role, station = cleaned.get("role"), cleaned.get("station")
        if role == roles.STATION_OFFICER and station is None:
            self.add_error("station", _("A station officer must belong to a police station."))
        if role and role != roles.STATION_OFFICER and station is not None:
            self.add_error("station", _("Only station officers belong to a police station."))
        return cleaned


class UserAddForm(BaseUserAdmin.add_form):
    class Meta(BaseUserAdmin.add_form.Meta):
        model = User
        fields = ["username", "email"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminForm
    add_form = UserAddForm
    list_display = ["username", "email", "get_full_name", "role_label", "station", "is_active"]
    list_filter = ["groups", "station", "is_active"]
    search_fields = ["username", "email", "first_name", "last_name", "mobile"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "mobile",
                    "preferred_language",
                    "time_zone",
                )
            },
        ),
        (_("Role"), {"fields": ("role", "station", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "email", "password1", "password2")}),)

    @admin.display(description=_("Role"))
    def role_label(self, obj):
        return roles.LABELS.get(obj.role, "")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.log(
            "portal.user.changed" if change else "portal.user.created",
            request=request,
            obj=obj,
            details={"fields": list(form.changed_data)},
        )
        role = form.cleaned_data.get("role")
        if role:
            try:
                roles.assign_role(user=obj, role=role, station=obj.station, actor=request.user)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), level="error")


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records nobody edits by hand: the audit log, the segment index."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id", "ip"]
    list_filter = ["action"]
    search_fields = ["action", "actor_label", "object_id", "object_label"]
