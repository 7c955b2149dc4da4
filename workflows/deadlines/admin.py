"""Admin for functional administrators: deadline rules (with an explicit recompute) and the
gelijkgestelde dagen. Deadlines themselves are case data and are not shown here (need-to-know)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from workflows.deadlines.models import DeadlineRule, GelijkgesteldeDag
from workflows.deadlines.services import deadlines_recompute


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "team",
        "code",
        "start_event",
        "close_event",
        "term_value",
        "term_unit",
        "statutory",
        "active",
    ]
    list_filter = ["team", "statutory", "active", "term_unit"]
    search_fields = ["name", "code", "source"]
    actions = ["recompute_open_deadlines"]

    @admin.action(description=_("Lopende termijnen herberekenen met deze regel"), permissions=["change"])
    def recompute_open_deadlines(self, request, queryset):
        total = sum(deadlines_recompute(rule=rule) for rule in queryset)
        self.message_user(
            request,
            ngettext("%(n)d lopende termijn herberekend.", "%(n)d lopende termijnen herberekend.", total)
            % {"n": total},
            messages.SUCCESS,
        )


@admin.register(GelijkgesteldeDag)
class GelijkgesteldeDagAdmin(admin.ModelAdmin):
    list_display = ["day", "source"]
    date_hierarchy = "day"
