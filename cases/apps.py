from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Casussen")

    def ready(self) -> None:
        from cases import memberships
        from partners import hooks

        # partners does not import cases; it calls these inside its services' transactions.
        hooks.on_membership_ended(memberships.on_membership_ended)
        hooks.on_user_deactivated(memberships.on_user_deactivated)

        from cases.assessments.selectors import with_breach_flag
        from cases.selectors import register_case_list_flag

        # The lists mark a case with a breached veiligheidsvoorwaarde not yet handled.
        register_case_list_flag(with_breach_flag)

        from cases.documents.retention import erase_documents
        from cases.retention.hooks import on_case_destroyed

        # Destroying a case takes its documents' files and titles with it.
        on_case_destroyed(erase_documents)

        from cases.versioning import history_managers_reused

        # One history manager class per model instead of one per history row written.
        history_managers_reused()

        from cases.replay_batch import connect_signals

        # The import's batch (cases.replay_batch): its cached answers follow participations, its history rows wait.
        connect_signals()
