from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from safetyteams import views
from safetyteams.api import ApiRoot
from security import oidc_views
from security.views import SecureLoginView

api_v1 = [
    path("", ApiRoot.as_view(), name="api-root"),
    path("", include("cases.api_urls")),
    path("", include("workflows.api_urls")),
    path("", include("metrics.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    # Login asks for password and second factor (django-two-factor-auth); see security/urls.py.
    path("accounts/login/", SecureLoginView.as_view(), name="login"),
    # Ends the provider's session too where the sign-in came through an organisation (security.oidc).
    path("accounts/logout/", oidc_views.logout, name="logout"),
    path("accounts/", include("security.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # The admin's own password-only login is not a way around the second factor.
    path("beheer/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("beheer/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script as a file: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("partners.urls")),
    path("", include("cases.urls")),
    path("", include("workflows.urls")),
    path("", include("metrics.urls")),
    path("", include("exchange.urls")),
]
