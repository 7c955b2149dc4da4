"""Admin for functional administrators: the retention rules. They hold for every team, so a
region-wide administrator keeps them; a team's administrator reads them. Destructions are case
decisions and are made on the privacy officer's and coordinator's pages, not here."""

from django.contrib import admin

from cases.retention.models import RetentionRule
from partners.admin_access import ScopedAdmin


@admin.register(RetentionRule)
class RetentionRuleAdmin(ScopedAdmin):
    list_display = ["name", "code", "organisation_kind", "years_after_last_involvement", "active"]
    list_filter = ["active", "organisation_kind"]
    search_fields = ["name", "code", "source"]

    def admin_may_add(self, request, scope):
        return scope.region

    def admin_may_change(self, request, scope, obj):
        return scope.region
