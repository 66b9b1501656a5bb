"""Signal receivers: station group membership follows the user's role and station."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import services


@receiver(post_save, sender=get_user_model())
def keep_station_membership(sender, instance, raw=False, **kwargs):
    if not raw:
        services.sync_station_membership(instance)
