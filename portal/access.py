"""Object access: every refusal answers 404 (no hint that the object exists) and is logged."""

from django.http import Http404

from . import audit


def deny(request, *, obj=None, object_type="", object_id="", reason="not permitted"):
    """Log a denied access attempt and raise 404."""
    audit.log(
        "portal.access.denied",
        request=request,
        obj=obj,
        object_type=object_type or None,
        object_id=str(object_id) if object_id else None,
        details={"path": request.path[:500], "method": request.method, "reason": reason},
    )
    raise Http404


def get_visible_or_404(request, queryset, **lookup):
    """Fetch one object from `queryset` (already filtered to what the user may see).

    An object that exists but is outside the user's queryset is a denied attempt: logged, 404.
    """
    obj = queryset.filter(**lookup).first()
    if obj is not None:
        return obj
    hidden = queryset.model._default_manager.filter(**lookup).first()
    if hidden is not None:
        deny(request, obj=hidden, reason="outside the user's access")
    raise Http404
