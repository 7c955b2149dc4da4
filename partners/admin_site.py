"""The Django admin (/beheer/) as the functional administrators' tool.

Who may enter follows from the role (partners.selectors.admin_scope), not from is_staff, groups or
permissions, none of which anything in the admin can set. Every model admin that was not written for
functional administrators (Django's groups, django-otp's devices, knox's tokens, axes' logs, the security
log) is made superuser-only here, so a new registration opens nothing by accident.

Installed in place of "django.contrib.admin" (settings.INSTALLED_APPS); app label and URLs are unchanged.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


def is_superuser(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


class SuperuserOnly:
    """Mixed in front of an admin not written for functional administrators: superusers only, and then
    no more than the admin itself allows."""

    def has_module_permission(self, request):
        return is_superuser(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_superuser(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_superuser(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request) and super().has_delete_permission(request, obj)


class BeheerSite(admin.AdminSite):
    site_header = "Veiligheidsteam — beheer"
    site_title = "Veiligheidsteam"

    def has_permission(self, request) -> bool:
        """Superusers (made with `manage.py createsuperuser`) and functional administrators only."""
        from partners.selectors import admin_scope  # this module loads before the models do

        user = request.user
        return bool(user.is_active and admin_scope(user).is_admin)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not getattr(admin_class, "for_functional_administrators", False):
            admin_class = type(
                admin_class.__name__, (SuperuserOnly, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)


class BeheerAdminConfig(AdminConfig):
    default = False  # chosen by its dotted path in INSTALLED_APPS, never picked up by the "partners" entry
    default_site = "partners.admin_site.BeheerSite"
