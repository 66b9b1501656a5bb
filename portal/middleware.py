import zoneinfo

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from . import audit


class UserPreferencesMiddleware:
    """Shows times in the user's own time zone, and their language when they chose one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class AccessDeniedAuditMiddleware:
    """Every 403 raised by a view (role checks, CSRF is separate) becomes an audit event."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            audit.log(
                "portal.access.denied",
                request=request,
                details={
                    "path": request.path[:500],
                    "method": request.method,
                    "reason": str(exception)[:200] or "permission denied",
                    "language": translation.get_language(),
                },
            )
        return None


class ContentSecurityPolicyMiddleware:
    """Scripts, styles, images and forms only from this site: no CDN, no inline script."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
