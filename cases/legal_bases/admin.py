"""Admin for functional administrators: the list of statutory bases. Only the list itself: which
participations rest on a basis is case data and is not shown here (need-to-know). The list holds for
every team, so an administrator of the whole region keeps it; team administrators read it."""

from django.contrib import admin

from cases.models import LegalBasis
from partners.admin_access import ScopedAdmin


@admin.register(LegalBasis)
class LegalBasisAdmin(ScopedAdmin):
    list_display = ["title", "code", "active"]
    list_filter = ["active"]
    search_fields = ["title", "code", "article"]
    fields = ["code", "title", "article", "active"]

    def admin_may_add(self, request, scope):
        return scope.region

    def admin_may_change(self, request, scope, obj):
        return scope.region
