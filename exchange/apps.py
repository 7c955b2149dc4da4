from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Uitwisseling van casussen")

    def ready(self) -> None:
        from cases.retention.hooks import on_case_destroyed
        from exchange.models import ImportedCase

        # The last imported document of a destroyed case holds its content: it goes with it.
        on_case_destroyed(lambda case_id: ImportedCase.objects.filter(case_id=case_id).delete())
