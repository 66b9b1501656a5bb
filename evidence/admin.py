from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import audit
from portal.admin import ReadOnlyAdmin

from .models import Camera, Outage, PreservationHold, Recorder, Segment
from .services.holds import place_hold, release_hold


class AuditedAdmin(admin.ModelAdmin):
    """Every save and delete through the admin is an audit event."""

    audit_prefix = ""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.log(
            f"{self.audit_prefix}.{'changed' if change else 'created'}",
            request=request,
            obj=obj,
            details={"fields": list(form.changed_data)},
        )

    def delete_model(self, request, obj):
        audit.log(f"{self.audit_prefix}.deleted", request=request, obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Recorder)
class RecorderAdmin(AuditedAdmin):
    audit_prefix = "evidence.recorder"
    list_display = ["code", "name", "kind", "make", "model", "serial_number", "location"]
    search_fields = ["code", "name", "serial_number", "mac_address", "location"]
    list_filter = ["kind", "make"]


@admin.register(Camera)
class CameraAdmin(AuditedAdmin):
    audit_prefix = "evidence.camera"
    list_display = ["code", "name", "zone", "recorder", "active", "status", "last_segment_end"]
    search_fields = ["code", "name", "location_description", "zone", "serial_number"]
    list_filter = ["active", "status", "zone", "recorder"]
    readonly_fields = ["status", "last_segment_end"]  # kept by ingest and the watchdog


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    """The index is written by ingest and retention only: evidence, not editable."""

    list_display = ["path", "camera", "start", "end", "status", "size", "codec", "sha256"]
    list_filter = ["status", "camera"]
    search_fields = ["path", "sha256"]
    date_hierarchy = "start"
    list_select_related = ["camera"]


class HoldForm(forms.ModelForm):
    class Meta:
        model = PreservationHold
        fields = ["camera", "start", "end", "reason", "linked_label"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("A hold must end after it starts."))
        return cleaned


@admin.register(PreservationHold)
class PreservationHoldAdmin(admin.ModelAdmin):
    form = HoldForm
    list_display = ["camera", "start", "end", "reason", "linked_label", "created_by", "active"]
    list_filter = ["released_at"]
    search_fields = ["camera__code", "reason", "linked_label", "linked_id"]
    fields = ["camera", "start", "end", "reason", "linked_label"]
    actions = ["release"]

    def has_change_permission(self, request, obj=None):
        return False  # a hold is placed or released, never edited

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        hold = place_hold(
            camera=obj.camera,
            start=obj.start,
            end=obj.end,
            reason=obj.reason,
            actor=request.user,
            linked_label=obj.linked_label,
        )
        obj.pk, obj.created_by, obj._state.adding = hold.pk, hold.created_by, False

    @admin.action(description=_("Release the selected holds"))
    def release(self, request, queryset):
        released = sum(release_hold(hold=hold, actor=request.user) for hold in queryset)
        self.message_user(
            request,
            ngettext("%(n)d hold released.", "%(n)d holds released.", released) % {"n": released},
            messages.SUCCESS,
        )


@admin.register(Outage)
class OutageAdmin(AuditedAdmin):
    """Outages are kept: only the reason may be corrected (e.g. the cause found on site)."""

    audit_prefix = "evidence.outage"
    list_display = ["__str__", "camera", "recorder", "started_at", "ended_at", "alerted_at"]
    list_filter = ["recorder"]
    readonly_fields = [
        "camera",
        "recorder",
        "started_at",
        "ended_at",
        "alerted_at",
        "recovery_notified_at",
    ]
    fields = [*readonly_fields, "reason"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
