"""Pages for deadlines ("Termijnen", "Mijn termijnen"), notifications ("Meldingen") and the .ics feed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseGone
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cases.selectors import log_search
from partners.selectors import coordinated_team_ids
from security.digits import parse_id
from security.services import client_ip
from workflows.deadlines.ics import calendar_feed, feed_for, feed_read
from workflows.deadlines.inbox import (
    calendar_feed_create,
    calendar_feed_revoke,
    kind_deliveries,
    notifications_mark_read,
    preference_set,
)
from workflows.deadlines.models import (
    CHOOSABLE_KINDS,
    SAFETY_SIGNALS,
    CalendarFeedToken,
    Delivery,
    FeedScope,
    NotificationPreference,
)
from workflows.deadlines.selectors import (
    DASHBOARD_SECTIONS,
    deadline_for,
    my_deadlines,
    notifications_of,
    team_dashboard,
)


@login_required
def dashboard(request):
    if not coordinated_team_ids(request.user):
        return redirect("my-deadlines")
    section = request.GET.get("section")
    section = section if section in DASHBOARD_SECTIONS else None
    page = request.GET.get("page", "")
    data = team_dashboard(request.user, section=section, page=parse_id(page) or 1)
    detail = f"deadline dashboard;{section};page={data['sections'][section].page}" if section else "deadline dashboard"
    log_search(request.user, ip=client_ip(request), detail=detail)
    return render(request, "deadlines/deadline_dashboard.html", data)


@login_required
def my_deadlines_view(request):
    deadlines = list(my_deadlines(request.user)[:500])
    log_search(request.user, ip=client_ip(request), detail="my deadlines")
    return render(request, "deadlines/my_deadlines.html", {"deadlines": deadlines})


@login_required
def deadline_detail(request, deadline_id):
    deadline = deadline_for(request.user, deadline_id, ip=client_ip(request))
    return render(request, "deadlines/deadline_detail.html", {"deadline": deadline})


@login_required
def notification_list(request):
    items = list(notifications_of(request.user)[:200])
    return render(request, "deadlines/notifications.html", {"items": items, "safety_signals": SAFETY_SIGNALS})


@login_required
@require_POST
def notification_mark_read(request):
    ids = [pk for pk in map(parse_id, request.POST.getlist("id")[:1000]) if pk is not None] or None
    notifications_mark_read(user=request.user, notification_ids=ids)
    return redirect("notifications")


class PreferenceForm(forms.Form):
    """E-mail per kind of notification; safety signals are not here (always at once, see the page)."""

    delivery = forms.ChoiceField(label=gettext_lazy("E-mail over termijnen"), choices=Delivery.choices)
    digest_hour = forms.IntegerField(label=gettext_lazy("Tijdstip dagoverzicht (uur, 0–23)"), min_value=0, max_value=23)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in CHOOSABLE_KINDS:
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(
                label=_("E-mail over: %(kind)s") % {"kind": kind.label}, choices=Delivery.choices
            )
        # The digest hour last: it serves every kind set to the digest.
        self.order_fields([name for name in self.fields if name != "digest_hour"] + ["digest_hour"])

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        kinds = {kind.value: data[f"kind_{kind.value}"] for kind in CHOOSABLE_KINDS}
        return {"delivery": data["delivery"], "digest_hour": data["digest_hour"], "kinds": kinds}


@login_required
def preferences(request):
    current = NotificationPreference.objects.filter(user=request.user).first()
    initial = {
        "delivery": current.delivery if current else Delivery.IMMEDIATE,
        "digest_hour": current.digest_hour if current else 8,
        **{f"kind_{kind}": value for kind, value in kind_deliveries(request.user).items()},
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "feed-create":
        new_token = calendar_feed_create(user=request.user)
    elif request.method == "POST" and request.POST.get("action") == "feed-revoke":
        calendar_feed_revoke(user=request.user)
        messages.success(request, _("Het agenda-abonnement is ingetrokken."))
        return redirect("notification-preferences")
    elif request.method == "POST" and form.is_valid():
        preference_set(user=request.user, **form.service_arguments())
        messages.success(request, _("Uw voorkeur is opgeslagen."))
        return redirect("notification-preferences")
    feed_url = request.build_absolute_uri(f"/termijnen/agenda/{new_token}.ics") if new_token else None
    has_feed = CalendarFeedToken.objects.filter(user=request.user, scope=FeedScope.MINE).exists()
    return render(
        request,
        "deadlines/notification_preferences.html",
        {"form": form, "feed_url": feed_url, "has_feed": has_feed, "safety_signals": SAFETY_SIGNALS},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
def ics_feed(request, token):
    """Fetched by a calendar app without a session: the secret token is the only key."""
    feed = feed_for(token)
    if feed is None:
        raise Http404("Onbekende agenda")
    deadlines = feed_read(feed, ip=client_ip(request))
    if deadlines is None:
        return HttpResponseGone(_("Dit agenda-abonnement geldt niet meer."), content_type="text/plain; charset=utf-8")
    name = _("Termijnen van het team") if feed.scope == FeedScope.TEAM else _("Termijnen")
    response = HttpResponse(
        calendar_feed(deadlines, host=request.get_host(), name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def team_feed(request):
    """The coordinator's subscription to the team's deadlines: make a new secret address (shown once, on
    this answer only), or revoke it."""
    if not coordinated_team_ids(request.user):
        raise Http404("Geen team")
    feed_url = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        calendar_feed_revoke(user=request.user, scope=FeedScope.TEAM)
        messages.success(request, _("Het agenda-abonnement op de teamtermijnen is ingetrokken."))
        return redirect("deadline-team-feed")
    if request.method == "POST":
        token = calendar_feed_create(user=request.user, scope=FeedScope.TEAM)
        feed_url = request.build_absolute_uri(reverse("deadline-ics", kwargs={"token": token}))
    has_feed = CalendarFeedToken.objects.filter(user=request.user, scope=FeedScope.TEAM).exists()
    return render(request, "deadlines/team_feed.html", {"feed_url": feed_url, "has_feed": has_feed})
