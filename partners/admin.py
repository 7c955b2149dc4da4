from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from partners.models import Membership, Municipality, Organisation, SafetyTeam, User
from security.services import api_tokens_revoke, otp_devices_reset, user_sessions_end


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation", "team"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__team"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Persoon"), {"fields": ("full_name", "email")}),
        (_("Rechten"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Data"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "email", "password1", "password2")}),
    )
    inlines = [MembershipInline]
    actions = ["end_sessions", "reset_second_factor", "revoke_api_tokens"]

    def save_model(self, request, obj, form, change):
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            # A deactivated account loses every session at once, not at its next request.
            user_sessions_end(user=obj, actor=request.user, request=request, reason="deactivated")

    @admin.action(description=_("Alle sessies beëindigen"), permissions=["change"])
    def end_sessions(self, request, queryset):
        for user in queryset:
            user_sessions_end(user=user, actor=request.user, request=request, reason="by_admin")
        messages.success(request, _("De sessies zijn beëindigd."))

    @admin.action(
        description=_("Tweestapsverificatie resetten (nieuw instellen bij volgende login)"), permissions=["change"]
    )
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            otp_devices_reset(user=user, actor=request.user, request=request)
        messages.success(request, _("De tweestapsverificatie is gereset; sessies en API-tokens zijn beëindigd."))

    @admin.action(description=_("API-tokens intrekken"), permissions=["change"])
    def revoke_api_tokens(self, request, queryset):
        for user in queryset:
            api_tokens_revoke(user=user, actor=request.user, request=request)
        messages.success(request, _("De API-tokens zijn ingetrokken."))


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


class SafetyTeamForm(forms.ModelForm):
    class Meta:
        model = SafetyTeam
        fields = ["name", "municipalities", "organisations"]
        error_messages = {"municipalities": {"required": _("Een veiligheidsteam bedient minstens één gemeente.")}}

    def clean_municipalities(self):
        municipalities = self.cleaned_data.get("municipalities")
        if not municipalities:
            raise forms.ValidationError(_("Een veiligheidsteam bedient minstens één gemeente."))
        return municipalities


@admin.register(SafetyTeam)
class SafetyTeamAdmin(admin.ModelAdmin):
    form = SafetyTeamForm
    list_display = ["name"]
    list_filter = ["municipalities"]
    search_fields = ["name", "municipalities__name"]
    filter_horizontal = ["municipalities", "organisations"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "team", "start_date", "end_date"]
    list_filter = ["role", "team", "organisation__kind", "organisation"]
    search_fields = ["user__username", "user__full_name", "organisation__name", "team__name"]
    autocomplete_fields = ["user", "organisation", "team"]
    date_hierarchy = "start_date"
