from django.apps import AppConfig


class SafetyteamsConfig(AppConfig):
    name = "safetyteams"
    verbose_name = "Veiligheidsteam"

    def ready(self) -> None:
        from django.urls import register_converter

        from safetyteams import checks  # noqa: F401 - registers the deploy checks of the secrets
        from safetyteams.celery import ensure_broker_folders
        from safetyteams.converters import BoundedIntConverter

        # Routes take object ids as <id:...>: an oversized id is a 404, never a database error.
        register_converter(BoundedIntConverter, "id")
        ensure_broker_folders()
