"""Celery tasks of the evidence app (Celery's autodiscovery imports this module)."""

from .export_tasks import run_export_job, sweep_stale_exports  # noqa: F401
