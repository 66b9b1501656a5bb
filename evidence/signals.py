"""Signals other apps listen to, so that evidence never needs to know them."""

from django.dispatch import Signal

# Sent after commit on every status change of an export job: sender=ExportJob, job=<ExportJob>.
# requests_app moves its request to ready or failed from here.
export_job_changed = Signal()

# Sent after commit for every download of an export file: sender=ExportJob, job=<ExportJob>,
# file=<ExportFile>, user=<the downloader>. requests_app marks its request delivered from here.
export_file_downloaded = Signal()
