"""Admin of the security app: the log and sessions (superusers only, see partners.admin_site), the account
actions on partners' user admin, and django-otp's devices without their secrets."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.admin import UserAdmin as PartnersUserAdmin
from partners.models import User
from security.models import SecurityEvent, UserSession
from security.services import (
    api_tokens_revoke,
    otp_devices_reset,
    password_reset_send,
    user_session_end,
    user_sessions_end,
)


def _register(model, admin_class) -> None:
    """Replace another app's registration, whichever of the two admin modules loaded first."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


class UserAdmin(PartnersUserAdmin):
    """partners' user admin with the account actions of the security app; each goes through a logged
    service, and the changelist already holds only the accounts one administers."""

    actions = ["send_password_reset", "end_sessions", "reset_second_factor", "revoke_api_tokens"]

    @admin.action(description=_("E-mail sturen om een nieuw wachtwoord in te stellen"), permissions=["change"])
    def send_password_reset(self, request, queryset):
        sent = sum(password_reset_send(user=user, actor=request.user, request=request) for user in queryset)
        skipped = len(queryset) - sent
        self.message_user(
            request,
            ngettext(
                "%(n)d e-mail verstuurd met een eenmalige link.",
                "%(n)d e-mails verstuurd met een eenmalige link.",
                sent,
            )
            % {"n": sent},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d account zonder e-mailadres of niet actief: geen e-mail verstuurd.",
                    "%(n)d accounts zonder e-mailadres of niet actief: geen e-mail verstuurd.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )

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


_register(User, UserAdmin)


class DeviceAdmin(admin.ModelAdmin):
    """Which second factors a user has: for superusers only (partners.admin_site), read-only, and never
    the secret (no key, no QR code, no backup codes). A lost phone is the user admin's reset action."""

    list_display = ["user", "name", "created_at", "last_used_at", "confirmed"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


_register(TOTPDevice, DeviceAdmin)
_register(StaticDevice, DeviceAdmin)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, also for administrators."""

    list_display = ["at", "username", "action", "outcome", "organisation", "role", "ip"]
    list_filter = ["action", "outcome"]
    search_fields = ["username", "ip", "organisation"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_seen", "ip", "user_agent"]
    search_fields = ["user__username", "ip"]
    readonly_fields = ["session_key", "user", "created_at", "last_seen", "ip", "user_agent"]
    actions = ["end_sessions"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Ending goes through the service (it logs); the plain bulk delete would not.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Geselecteerde sessies beëindigen"), permissions=["delete"])
    def end_sessions(self, request, queryset):
        count = 0
        for user_session in queryset.select_related("user"):
            user_session_end(user_session=user_session, actor=request.user, request=request, reason="by_admin")
            count += 1
        self.message_user(
            request, ngettext("%(n)d sessie beëindigd.", "%(n)d sessies beëindigd.", count) % {"n": count}
        )

    def delete_model(self, request, obj):
        user_session_end(user_session=obj, actor=request.user, request=request, reason="by_admin")
        messages.info(request, _("De sessie is beëindigd."))
