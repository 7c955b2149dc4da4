"""The base of every admin a functional administrator works in (partners, workflows).

Rights come from the role and its scope (`partners.selectors.admin_scope`), never from Django permissions.
A superuser keeps Django's rights. A functional administrator views what `get_queryset` shows (scoped to
the teams they administer) and adds or changes only what the admin's `admin_may_add` / `admin_may_change`
allow. Deleting is for superusers only: what an administrator takes away is ended, and that is logged.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model

from partners.admin_site import is_superuser
from partners.selectors import AdminScope, admin_scope


class ScopedAdmin(admin.ModelAdmin):
    for_functional_administrators = True  # partners.admin_site.BeheerSite leaves it as it is

    def scope(self, request) -> AdminScope:
        return admin_scope(request.user)

    def in_scope(self, request, obj: Model) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def admin_may_add(self, request, scope: AdminScope) -> bool:
        return False

    def admin_may_change(self, request, scope: AdminScope, obj: Model | None) -> bool:
        return False

    def has_module_permission(self, request):
        return is_superuser(request) or self.scope(request).is_admin

    def has_view_permission(self, request, obj=None):
        if is_superuser(request):
            return True
        return self.scope(request).is_admin and (obj is None or self.in_scope(request, obj))

    def has_add_permission(self, request):
        if is_superuser(request):
            return True
        scope = self.scope(request)
        return scope.is_admin and self.admin_may_add(request, scope)

    def has_change_permission(self, request, obj=None):
        if is_superuser(request):
            return True
        scope = self.scope(request)
        if not scope.is_admin or (obj is not None and not self.in_scope(request, obj)):
            return False
        return self.admin_may_change(request, scope, obj)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request)


class ReadOnlyInline(admin.TabularInline):
    """Shows related rows on a scoped admin's page; they are changed on their own admin (via services)."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return True  # the parent admin has already decided who sees the page

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
