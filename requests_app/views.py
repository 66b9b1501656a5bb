from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from evidence.services import coverage, timeline
from portal import roles
from portal.access import get_visible_or_404
from portal.models import PoliceStation
from portal.pagination import IdFirstPaginator

from . import filing, selectors, services
from .forms import AvailabilityQuery, RequestForm, TransitionForm, item_formset
from .models import AVAILABILITY_LABELS, RequestItem, Status

FILERS = (roles.CITIZEN, roles.STATION_OFFICER)
READERS = (roles.CITIZEN, roles.STATION_OFFICER, *selectors.SEES_ALL)

LIST_TITLES = {
    roles.CITIZEN: gettext_lazy("My requests"),
    roles.STATION_OFFICER: gettext_lazy("Requests of my station"),
}


def _due_before(value):
    """The start of the given local day, or None for an empty or impossible date."""
    try:
        day = parse_date(value)
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


def _list_page(request, queryset, *, title):
    params = {key: request.GET.get(key, "").strip() for key in ("status", "station", "camera", "q")}
    due_before = _due_before(request.GET.get("due_before", "").strip())
    queryset = selectors.filtered(
        queryset,
        status=params["status"],
        station=params["station"],
        camera=params["camera"],
        due_before=due_before,
        search=params["q"],
    )
    if request.user.is_control_room:
        queryset = selectors.with_export_failures(queryset)
    order = "due_at" if request.user.is_control_room else "-filed_at"
    paginator = IdFirstPaginator(queryset.order_by(order, "pk"), 25)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "title": title,
        "params": params,
        "due_before": request.GET.get("due_before", ""),
        "statuses": Status.choices,
        "show_filters": request.user.role in selectors.SEES_ALL,
        "stations": PoliceStation.objects.order_by("name"),
        "now": timezone.now(),
    }
    return render(request, "requests_app/list.html", context)


@roles.role_required(*READERS)
def request_list(request):
    title = LIST_TITLES.get(request.user.role, _("All requests"))
    queryset = selectors.visible_requests(request.user)
    return _list_page(request, queryset, title=title)


QUEUES = {
    "requests-queue": (gettext_lazy("Review queue"), selectors.review_queue),
    "requests-due-soon": (gettext_lazy("Due soon"), selectors.due_soon),
    "requests-overdue": (gettext_lazy("Overdue"), selectors.overdue),
}


@roles.role_required(*roles.CONTROL_ROOM, roles.AUDITOR)
def queue(request):
    name = request.resolver_match.url_name
    title, select = QUEUES[name]
    queryset = select(selectors.visible_requests(request.user))
    return _list_page(request, queryset, title=title)


@roles.role_required(roles.STATION_OFFICER)
def endorsements(request):
    queryset = selectors.visible_requests(request.user).filter(
        status=Status.AWAITING_ENDORSEMENT, station=request.user.station
    )
    return _list_page(request, queryset, title=_("Awaiting your endorsement"))


@roles.role_required(roles.STATION_OFFICER)
def downloads(request):
    queryset = selectors.visible_requests(request.user).filter(
        status__in=(Status.READY, Status.DELIVERED, Status.CLOSED), station=request.user.station
    )
    queryset = queryset.prefetch_related(
        Prefetch(
            "items",
            queryset=RequestItem.objects.select_related("camera", "export_job").prefetch_related(
                "export_job__files"
            ),
        )
    ).order_by("-status_changed_at", "pk")
    page = IdFirstPaginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "requests_app/downloads.html", {"page": page})


def _items_from_post(data):
    """The typed items of a posted form, as initial values for an unbound formset."""
    try:
        count = int(data.get("items-TOTAL_FORMS", 1))
    except ValueError:
        count = 1
    count = max(1, min(count, settings.REQUEST_MAX_ITEMS))
    return [
        {name: data.get(f"items-{i}-{name}", "") for name in ("camera", "start", "end")}
        for i in range(count)
    ]


@roles.role_required(*FILERS)
def new_request(request):
    action = request.POST.get("action", "review")
    reviewed = None
    if request.method != "POST":
        form, formset = RequestForm(user=request.user), item_formset()
    elif action == "add":
        # Without JavaScript "add a camera" is a round trip: keep what was typed, show no errors.
        items = _items_from_post(request.POST)
        if len(items) < settings.REQUEST_MAX_ITEMS:
            items.append({})
        form = RequestForm(user=request.user, initial=request.POST.dict())
        formset = item_formset(initial=items)
    else:
        form = RequestForm(request.POST, user=request.user)
        formset = item_formset(request.POST)
        if form.is_valid() and formset.is_valid():
            filled = [f for f in formset.forms if f.cleaned_data]
            if action == "file":
                items = [
                    (f.cleaned_data["camera"], f.cleaned_data["start"], f.cleaned_data["end"])
                    for f in filled
                ]
                response = _file(request, form, items)
                if response is not None:
                    return response
            else:
                # The review step: the same answer the form's script shows, without script.
                for f in filled:
                    data = f.cleaned_data
                    f.answer = coverage.availability(data["camera"], data["start"], data["end"])
                    f.answer_label = AVAILABILITY_LABELS.get(f.answer.status, f.answer.status)
                reviewed = True
    return render(
        request,
        "requests_app/new.html",
        {
            "form": form,
            "formset": formset,
            "reviewed": reviewed,
            "picker_url": reverse("evidence-camera-picker"),
            "max_minutes": settings.REQUEST_MAX_ITEM_MINUTES,
        },
    )


def _file(request, form, items):
    data = form.cleaned_data
    try:
        footage_request, created = filing.file_request(
            filer=request.user,
            station=data["station"],
            fir_number=data["fir_number"],
            fir_year=data["fir_year"],
            fir_date=data["fir_date"],
            complainant_name=data["complainant_name"],
            complainant_phone=data["complainant_phone"],
            complainant_address=data["complainant_address"],
            incident_place=data["incident_place"],
            incident_description=data["incident_description"],
            purpose=data["purpose"],
            items=items,
            token=data["token"],
        )
    except services.RequestError as error:
        form.add_error(None, str(error))
        return None
    if created:
        messages.success(
            request,
            _("Request %(reference)s is filed; the footage is on hold.")
            % {"reference": footage_request.reference},
        )
    return redirect("requests-detail", reference=footage_request.reference)


@require_GET
@roles.role_required(*FILERS, *roles.CONTROL_ROOM)
def availability(request):
    """JSON for the filing form: does footage exist for this camera and window?"""
    query = AvailabilityQuery(request.GET)
    if not query.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in query.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    data = query.cleaned_data
    answer = coverage.availability(data["camera"], data["start"], data["end"])
    return JsonResponse(
        {
            "status": answer.status,
            "label": str(AVAILABILITY_LABELS.get(answer.status, answer.status)),
            "message": answer.message,
            "percent": answer.coverage.percent,
            "gaps": [[a.isoformat(), b.isoformat()] for a, b in answer.coverage.gaps],
        }
    )


def _detail_context(request, footage_request):
    items = list(
        footage_request.items.select_related("camera", "hold", "export_job").prefetch_related(
            "export_job__files"
        )
    )
    show_coverage = request.user.role in selectors.SEES_ALL
    if show_coverage:
        for item in items:
            item.coverage = coverage.coverage(item.camera, item.start, item.end)
            # timeline_svg escapes every text it draws, so the picture can go in as it is.
            item.timeline = mark_safe(  # noqa: S308
                timeline.timeline_svg(item.camera, item.start, item.end, cov=item.coverage)
            )
    return {
        "req": footage_request,
        "items": items,
        "history": footage_request.history.select_related("actor"),
        "actions": [
            {
                "target": target,
                "label": services.ANSWER_LABEL
                if services.is_answer(footage_request, target)
                else services.ACTION_LABELS.get(target),
                "answer": services.is_answer(footage_request, target),
                "needs_text": services.needs_text(footage_request, target),
            }
            for target in services.allowed_transitions(footage_request, request.user)
        ],
        "can_prepare": (
            request.user.role in roles.CONTROL_ROOM
            and footage_request.status == Status.UNDER_REVIEW
        ),
        "show_coverage": show_coverage,
        # Only the station's officers and the control room ever download footage.
        "can_download": request.user.is_control_room
        or (
            request.user.role == roles.STATION_OFFICER
            and request.user.station_id == footage_request.station_id
        ),
        "due": services.effective_due(footage_request),
        "status_names": Status,
    }


@roles.role_required(*READERS)
def detail(request, reference):
    # The page names everyone who acted on the request: one query, not one per person.
    queryset = selectors.visible_requests(request.user).select_related(
        "endorsed_by", "prepared_by", "approved_by"
    )
    footage_request = get_visible_or_404(request, queryset, reference=reference)
    return render(request, "requests_app/detail.html", _detail_context(request, footage_request))


@require_POST
@roles.role_required(*FILERS, *roles.CONTROL_ROOM)
def change_status(request, reference):
    footage_request = get_visible_or_404(
        request, selectors.visible_requests(request.user), reference=reference
    )
    form = TransitionForm(request.POST)
    error = _("Choose an action.")
    if form.is_valid() and form.cleaned_data["to"] in Status.values:
        try:
            services.transition(
                footage_request,
                form.cleaned_data["to"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.RequestError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                _("The request is now: %(status)s")
                % {"status": footage_request.get_status_display()},
            )
            return redirect("requests-detail", reference=reference)
    elif form.is_valid():
        error = _("Unknown action.")
    elif "reason" in form.errors:
        error = form.errors["reason"][0]
    context = _detail_context(request, footage_request)
    target = request.POST.get("to", "")
    context.update(
        action_error=error,
        action_target=target,
        action_reason=request.POST.get("reason", ""),
        # With a text field for this step, the message goes next to it, else on top.
        action_error_at_field=any(
            a["target"] == target and a["needs_text"] for a in context["actions"]
        ),
    )
    return render(request, "requests_app/detail.html", context, status=400)


@require_POST
@roles.role_required(*roles.CONTROL_ROOM)
def prepare(request, reference):
    footage_request = get_visible_or_404(
        request, selectors.visible_requests(request.user), reference=reference
    )
    try:
        services.mark_prepared(
            request=footage_request, actor=request.user, note=request.POST.get("note", "")
        )
    except services.RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You prepared this request; another supervisor approves it."))
    return redirect("requests-detail", reference=reference)


@require_POST
@roles.role_required(*roles.CONTROL_ROOM)
def retry_export(request, reference, item_id):
    footage_request = get_visible_or_404(
        request, selectors.visible_requests(request.user), reference=reference
    )
    item = footage_request.items.select_related("export_job").filter(pk=item_id).first()
    if item is None:
        raise Http404
    try:
        services.retry_item_export(request=footage_request, item=item, actor=request.user)
    except services.RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The export is queued again."))
    return redirect("requests-detail", reference=reference)
