"""Signal receivers: station group membership follows the user's role and station; export
jobs and the station's first download move their request on."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from evidence.models import ExportJob
from evidence.signals import export_job_changed
from portal.models import AuditEntry

from . import permissions, services


@receiver(post_save, sender=get_user_model())
def keep_station_membership(sender, instance, raw=False, **kwargs):
    if not raw:
        permissions.sync_station_membership(instance)


@receiver(export_job_changed, sender=ExportJob)
def follow_export_job(sender, job, **kwargs):
    if job.linked_type == services.ITEM_LINK:
        services.export_job_changed(job=job)


# evidence writes this custody event for every download of an export file; it is the one
# place that knows a download happened, and evidence must not know about requests.
DOWNLOAD_ACTION = "evidence.export.downloaded"


@receiver(post_save, sender=AuditEntry)
def deliver_on_first_download(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.action != DOWNLOAD_ACTION or instance.actor_id is None:
        return
    job_id, user = instance.object_id, instance.actor

    def deliver():
        job = ExportJob.objects.filter(pk=job_id, linked_type=services.ITEM_LINK).first()
        if job is not None:
            services.record_download(job=job, user=user)

    # After the download's own entry is committed, in a transaction of its own.
    transaction.on_commit(deliver)
