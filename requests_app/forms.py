import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.models import Camera
from portal import roles
from portal.models import PoliceStation, mobile_validator

from .filing import fir_number_error, window_errors

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RequestForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    station = forms.ModelChoiceField(
        label=_("Police station of the FIR"), queryset=PoliceStation.objects.all()
    )
    fir_number = forms.CharField(label=_("FIR number"), max_length=40)
    fir_year = forms.IntegerField(label=_("FIR year"), min_value=1950)
    fir_date = forms.DateField(label=_("FIR date"), widget=forms.DateInput(attrs={"type": "date"}))
    complainant_name = forms.CharField(label=_("Complainant's name"), max_length=200)
    complainant_phone = forms.CharField(
        label=_("Complainant's mobile"), max_length=16, validators=[mobile_validator]
    )
    complainant_address = forms.CharField(
        label=_("Complainant's address"), max_length=300, required=False
    )
    incident_place = forms.CharField(label=_("Place of the incident"), max_length=300)
    incident_description = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        help_text=_("For example: identify the suspect, trace the stolen vehicle."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound and "token" not in self.initial:
            self.initial["token"] = uuid.uuid4()
        if user.role == roles.STATION_OFFICER:
            self.fields["station"].queryset = PoliceStation.objects.filter(pk=user.station_id)
            self.initial.setdefault("station", user.station_id)
            for name in ("complainant_name", "complainant_phone"):
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        station, number = data.get("station"), data.get("fir_number")
        if station and number and (message := fir_number_error(station, number.strip())):
            self.add_error("fir_number", message)
        fir_date, fir_year = data.get("fir_date"), data.get("fir_year")
        if fir_date and fir_date > timezone.localdate():
            self.add_error("fir_date", _("The FIR date cannot be in the future."))
        elif fir_date and fir_year and fir_date.year != fir_year:
            self.add_error("fir_date", _("The FIR date must be in the FIR year."))
        return data


class ItemForm(forms.Form):
    camera = forms.ModelChoiceField(
        label=_("Camera"), queryset=Camera.objects.filter(active=True).order_by("code")
    )
    start = forms.DateTimeField(
        label=_("From"), input_formats=DATETIME_FORMATS, widget=LocalDateTimeInput()
    )
    end = forms.DateTimeField(
        label=_("To"), input_formats=DATETIME_FORMATS, widget=LocalDateTimeInput()
    )

    def clean(self):
        data = super().clean()
        for field, message in window_errors(data.get("start"), data.get("end")).items():
            self.add_error(field, message)
        return data


def item_formset(*args, **kwargs):
    """The items of a request: at least one, at most REQUEST_MAX_ITEMS (read at call time)."""
    formset_class = forms.formset_factory(
        ItemForm,
        extra=0,
        min_num=1,
        validate_min=True,
        max_num=settings.REQUEST_MAX_ITEMS,
        validate_max=True,
        absolute_max=settings.REQUEST_MAX_ITEMS + 1,
    )
    return formset_class(*args, prefix="items", **kwargs)


class AvailabilityQuery(forms.Form):
    """The availability endpoint's query string."""

    camera = forms.ModelChoiceField(queryset=Camera.objects.all())
    start = forms.DateTimeField(input_formats=DATETIME_FORMATS)
    end = forms.DateTimeField(input_formats=DATETIME_FORMATS)

    def clean(self):
        data = super().clean()
        for field, message in window_errors(data.get("start"), data.get("end")).items():
            self.add_error(field, message)
        return data


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=30)
    reason = forms.CharField(
        label=_("Reason or message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
