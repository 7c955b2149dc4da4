from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from partners.models import Membership, Municipality, Organisation, SafetyTeam, User


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
