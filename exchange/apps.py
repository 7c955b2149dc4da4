from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Uitwisseling van casussen")

    def ready(self) -> None:
        from cases.retention.hooks import on_case_destroyed
        from exchange.jobs import import_sources_erase
        from exchange.models import ImportedCase

        # The last imported document of a destroyed case holds its content: it goes with it, and so do
        # the uploaded files of finished import jobs, which may hold it too.
        on_case_destroyed(lambda case_id: ImportedCase.objects.filter(case_id=case_id).delete())
        on_case_destroyed(import_sources_erase)
