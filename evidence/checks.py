from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .services.layout import Layout


@checks.register()
def recordings_layout(app_configs=None, **kwargs):
    """A wrong RECORDINGS_LAYOUT would index nothing; say so at start-up instead."""
    try:
        Layout(settings.RECORDINGS_LAYOUT)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="evidence.E001")]
    return []
