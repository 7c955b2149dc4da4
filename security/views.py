"""The login wizard (two factors), the user's own security page and session list."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from two_factor.views import BackupTokensView, LoginView

from security.digits import parse_id
from security.forms import code_form_in_dutch, safe_next
from security.models import Outcome, SecurityAction, UserSession
from security.oidc import active_providers
from security.selectors import second_factors_of, sessions_of
from security.services import security_event_record, user_session_end, user_sessions_end


class SecureLoginView(LoginView):
    """two_factor's login wizard, with wrong second-factor codes in the security log, the second step
    in Dutch (security.forms) and a deep link kept through both steps (`?next=`, same-site paths only)."""

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        step = step or self.steps.current
        if step in (self.TOKEN_STEP, self.BACKUP_STEP):
            code_form_in_dutch(form, backup=step == self.BACKUP_STEP)
        return form

    def get_redirect_url(self):
        """Where to go after the second step: the `next` of the form or the address, when it is a path of
        this site ("/zaken/12/"); anything else (another host, "//host", a scheme) goes to the start page."""
        target = self.request.POST.get(self.redirect_field_name) or self.request.GET.get(self.redirect_field_name, "")
        return safe_next(target, request=self.request)

    def get_prefix(self, request, *args, **kwargs):
        # Keep two_factor's form prefix ("login_view-current_step"), whatever this subclass is called.
        return "login_view"

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["identity_providers"] = active_providers()
        # Carried in a hidden field from step to step: the login page's template renders it.
        context["next"] = self.get_redirect_url()
        return context

    def post(self, *args, **kwargs):
        step = self.steps.current
        response = super().post(*args, **kwargs)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if step in (self.TOKEN_STEP, self.BACKUP_STEP) and form is not None and form.is_bound and form.errors:
            user = self.get_user()
            security_event_record(
                action=SecurityAction.LOGIN_FAILED,
                outcome=Outcome.FAILURE,
                request=self.request,
                user=user or None,
                detail={"step": step},
            )
        return response


class LoggedBackupTokensView(BackupTokensView):
    """New backup codes replace the old ones; that is a change of the second factor, so it is logged."""

    def form_valid(self, form):
        response = super().form_valid(form)
        security_event_record(action=SecurityAction.OTP_BACKUP_CODES_NEW, outcome=Outcome.SUCCESS, request=self.request)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The page behind the one-time link of the reset e-mail (security.services.password_reset_send).

    No login afterwards: the user logs in with the new password and the second factor. Every session
    of the account ends (the reset may be because someone else knew the old password)."""

    template_name = "security/password_reset_confirm.html"
    success_url = reverse_lazy("security:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        security_event_record(
            action=SecurityAction.PASSWORD_RESET_DONE, outcome=Outcome.SUCCESS, request=self.request, user=user
        )
        user_sessions_end(user=user, actor=user, request=self.request, reason="password_reset")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "security/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def account_security(request: HttpRequest) -> HttpResponse:
    """Own second factors and sessions; a session (or all others) can be ended here."""
    if request.method == "POST":
        current = request.session.session_key
        if request.POST.get("end") == "others":
            count = user_sessions_end(
                user=request.user, actor=request.user, request=request, reason="by_user", keep_session_key=current
            )
            messages.success(request, _("%(count)d andere sessie(s) beëindigd.") % {"count": count})
        else:
            user_session = get_object_or_404(UserSession, pk=parse_id(request.POST.get("session")), user=request.user)
            is_current = user_session.session_key == current
            user_session_end(user_session=user_session, actor=request.user, request=request, reason="by_user")
            if is_current:
                return redirect("login")
            messages.success(request, _("De sessie is beëindigd."))
        return redirect("security:account")
    return render(
        request,
        "security/account.html",
        {
            "sessions": sessions_of(request.user),
            "current_session_key": request.session.session_key,
            **second_factors_of(request.user),
        },
    )


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login: a Dutch page with the waiting time, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "security/locked_out.html", {"cooloff_minutes": minutes}, status=429)
