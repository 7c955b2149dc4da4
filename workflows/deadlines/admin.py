"""Admin for functional administrators: deadline rules (with an explicit recompute) and the
gelijkgestelde dagen. Deadlines themselves are case data and are not shown here (need-to-know).

A team's administrator keeps the rules of their teams and reads the region's default rules and the
calendar; those two hold for every team, so they are kept by an administrator of the whole region."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partners.admin_access import ScopedAdmin
from partners.selectors import administered_teams
from partners.services import MEMBERSHIP_REGION_NOT_ADMINISTERED
from workflows.deadlines.models import DeadlineRule, GelijkgesteldeDag
from workflows.deadlines.services import deadlines_recompute


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(ScopedAdmin):
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

    def get_queryset(self, request):
        rules = super().get_queryset(request)
        scope = self.scope(request)
        if scope.region:
            return rules
        return rules.filter(Q(team_id__in=scope.team_ids) | Q(team__isnull=True))  # defaults: to read

    def admin_may_add(self, request, scope):
        return True

    def admin_may_change(self, request, scope, obj):
        return obj is None or scope.covers(obj.team_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "team":
            kwargs["queryset"] = administered_teams(request.user)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "team" and not self.scope(request).region:
            field.required = True
            field.error_messages["required"] = MEMBERSHIP_REGION_NOT_ADMINISTERED
        return field

    @admin.action(description=_("Lopende termijnen herberekenen met deze regel"), permissions=["change"])
    def recompute_open_deadlines(self, request, queryset):
        rules = [rule for rule in queryset if self.has_change_permission(request, rule)]
        total = sum(deadlines_recompute(rule=rule) for rule in rules)
        self.message_user(
            request,
            ngettext("%(n)d lopende termijn herberekend.", "%(n)d lopende termijnen herberekend.", total)
            % {"n": total},
            messages.SUCCESS,
        )


@admin.register(GelijkgesteldeDag)
class GelijkgesteldeDagAdmin(ScopedAdmin):
    list_display = ["day", "source"]
    date_hierarchy = "day"

    def admin_may_add(self, request, scope):
        return scope.region

    def admin_may_change(self, request, scope, obj):
        return scope.region
