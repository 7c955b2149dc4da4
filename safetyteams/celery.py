"""The Celery app: tasks are thin wrappers around services (see each app's tasks.py)."""

import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyteams.settings")

app = Celery("safetyteams")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Sub-packages' tasks modules (workflows.deadlines.tasks …); task names are explicit and never change.
app.autodiscover_tasks(lambda: settings.SUBPACKAGES)


def ensure_broker_folders() -> None:
    """The filesystem transport needs its folders before worker or beat start."""
    from django.conf import settings

    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)
