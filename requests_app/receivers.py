"""Signal receivers: station group membership follows the user's role and station; export
jobs and the station's first download move their request on."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from evidence.models import ExportJob
from evidence.signals import export_file_downloaded, export_job_changed

from . import permissions, services


@receiver(post_save, sender=get_user_model())
def keep_station_membership(sender, instance, raw=False, **kwargs):
    if not raw:
        permissions.sync_station_membership(instance)


@receiver(export_job_changed, sender=ExportJob)
def follow_export_job(sender, job, **kwargs):
    if job.linked_type == services.ITEM_LINK:
        services.export_job_changed(job=job)


@receiver(export_file_downloaded, sender=ExportJob)
def deliver_on_first_download(sender, job, user, **kwargs):
    if job.linked_type == services.ITEM_LINK:
        services.record_download(job=job, user=user)
