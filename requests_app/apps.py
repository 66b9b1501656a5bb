from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Footage requests")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
