from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Evidence")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
