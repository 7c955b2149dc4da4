"""Login with two factors, 2FA setup and the user's own security page.

two_factor's views and templates reverse names in the "two_factor" namespace; the disable view is
left out on purpose: the second factor is mandatory, only an administrator can reset it.
"""

from django.urls import include, path
from two_factor.views import QRGeneratorView, SetupCompleteView, SetupView

from security import oidc_views, views

two_factor_patterns = [
    path("login/", views.SecureLoginView.as_view(), name="login"),  # same URL as the site login
    path("2fa/instellen/", SetupView.as_view(), name="setup"),
    path("2fa/qr/", QRGeneratorView.as_view(), name="qr"),
    path("2fa/ingesteld/", SetupCompleteView.as_view(), name="setup_complete"),
    path("2fa/back-upcodes/", views.LoggedBackupTokensView.as_view(), name="backup_tokens"),
    path("beveiliging/", views.account_security, name="profile"),
]

security_patterns = [
    path("beveiliging/", views.account_security, name="account"),
    # The one-time link of the reset e-mail that an administrator sends (security.admin); no self-service form.
    # Sign-in with the organisation's own OpenID Connect provider (security.oidc).
    path("organisatie/", oidc_views.oidc_start, name="oidc_start"),
    path("oidc/terug/", oidc_views.oidc_callback, name="oidc_callback"),
    path("organisatie/code/", oidc_views.oidc_totp, name="oidc_totp"),
    path("wachtwoord/ingesteld/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("wachtwoord/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
]

urlpatterns = [
    path("", include((two_factor_patterns, "two_factor"))),
    path("", include((security_patterns, "security"))),
]
