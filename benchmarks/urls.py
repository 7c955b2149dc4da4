"""The site's URLs plus one empty view: the request-overhead baseline (same middleware, no work)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from safetyteams.urls import urlpatterns as site_urlpatterns


@login_required
def empty(request):
    return HttpResponse(b"", content_type="text/plain")


urlpatterns = [path("bench/empty/", empty, name="bench-empty"), *site_urlpatterns]
