from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = _("Beveiliging")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from two_factor.signals import user_verified

        from partners import hooks
        from security import receivers, schema  # noqa: F401 - schema registers the OpenAPI extensions

        # partners does not import security; it calls these inside its services' transactions.
        hooks.on_membership_changed(receivers.on_membership_changed)
        hooks.on_membership_ended(receivers.on_membership_ended)
        hooks.on_user_deactivated(receivers.on_user_deactivated)

        user_logged_in.connect(receivers.on_logged_in, dispatch_uid="security_logged_in")
        user_logged_out.connect(receivers.on_logged_out, dispatch_uid="security_logged_out")
        user_login_failed.connect(receivers.on_login_failed, dispatch_uid="security_login_failed")
        user_locked_out.connect(receivers.on_locked_out, dispatch_uid="security_locked_out")
        user_verified.connect(receivers.on_user_verified, dispatch_uid="security_user_verified")
        for device_model in (TOTPDevice, StaticDevice):
            post_save.connect(receivers.on_device_saved, sender=device_model, dispatch_uid=f"sec_add_{device_model}")
            post_delete.connect(
                receivers.on_device_deleted, sender=device_model, dispatch_uid=f"sec_del_{device_model}"
            )
