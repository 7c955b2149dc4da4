from django.apps import AppConfig


class SafetyteamsConfig(AppConfig):
    name = "safetyteams"
    verbose_name = "Veiligheidsteam"

    def ready(self) -> None:
        from safetyteams.celery import ensure_broker_folders

        ensure_broker_folders()
