"""The e-mail tasks, looked up by their names: the services that write reminders, notifications and digests queue
them without importing the tasks module, which imports those services (no import cycle)."""

from __future__ import annotations

from celery import Task, current_app

SEND_REMINDER_EMAIL = "workflows.send_reminder_email"
SEND_DIGEST_EMAIL = "workflows.send_digest_email"
SEND_NOTIFICATION_EMAIL = "workflows.send_notification_email"


def task(name: str) -> Task:
    app = current_app
    if name not in app.tasks:
        # Outside a worker (shell, web, a management command) autodiscovery has not run yet.
        app.loader.import_default_modules()
    return app.tasks[name]
