from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from security.models import SecurityEvent, UserSession
from security.services import user_session_end


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
