"""Admin of organisations, teams, memberships and accounts, scoped to the teams one administers.

No one grants rights here: there is no field for superuser or staff status, groups, permissions or a
password (superusers come from `manage.py createsuperuser`; a password is set by its user through the
reset e-mail, see security.admin). Memberships are written through partners.services only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partners.admin_access import ReadOnlyInline, ScopedAdmin
from partners.models import IdentityProvider, Membership, MembershipStatus, Municipality, Organisation, SafetyTeam, User
from partners.selectors import (
    administered_memberships,
    administered_organisations,
    administered_teams,
    administered_users,
)
from partners.services import (
    MEMBERSHIP_REGION_NOT_ADMINISTERED,
    membership_check,
    membership_create,
    membership_end,
    membership_end_check,
    user_deactivate,
)


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "user"
    fields = ["role", "organisation", "team", "status", "start_date", "end_date"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=administered_memberships(request.user).values("pk"))


class UserAddForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "full_name", "email"]


class UserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "full_name", "email", "is_active"]


@admin.register(User)
class UserAdmin(ScopedAdmin):
    """Accounts of the teams one administers. A functional administrator changes the name and whether the
    account is active; username and e-mail stay (the e-mail is where a password reset goes)."""

    list_display = ["username", "full_name", "email", "is_active"]
    list_filter = ["is_active", "memberships__role", ("memberships__team", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    form = UserChangeForm
    add_form = UserAddForm
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return administered_users(request.user)

    def admin_may_add(self, request, scope):
        return True

    def admin_may_change(self, request, scope, obj):
        return True  # in scope: checked by has_change_permission

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("username", "full_name", "email")}),)
        return (
            (None, {"fields": ("username",)}),
            (_("Persoon"), {"fields": ("full_name", "email")}),
            (_("Toegang"), {"fields": ("is_active",)}),
            (_("Data"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if obj is not None and not request.user.is_superuser:
            readonly += ["username", "email"]
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = self.add_form if obj is None else self.form
        return super().get_form(request, obj, **kwargs)

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            # Nobody knows a first password: the user chooses one through the reset e-mail.
            obj.set_unusable_password()
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            user_deactivate(actor=request.user, user=obj, request=request)


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdmin):
    """Fixed data (CBS codes): functional administrators read it, superusers keep it."""

    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return administered_organisations(request.user)

    def admin_may_add(self, request, scope):
        return True

    def admin_may_change(self, request, scope, obj):
        # An organisation shared with a team one does not administer is changed by someone who has both.
        return obj is None or scope.region or not obj.teams.exclude(pk__in=scope.team_ids).exists()


class SafetyTeamForm(forms.ModelForm):
    class Meta:
        model = SafetyTeam
        fields = ["name", "municipalities", "organisations"]
        error_messages = {"municipalities": {"required": _("Een veiligheidsteam bedient minstens één gemeente.")}}

    def clean_municipalities(self):
        municipalities = self.cleaned_data.get("municipalities")
        if not municipalities:
            raise forms.ValidationError(_("Een veiligheidsteam bedient minstens één gemeente."))
        return municipalities


@admin.register(SafetyTeam)
class SafetyTeamAdmin(ScopedAdmin):
    form = SafetyTeamForm
    list_display = ["name"]
    list_filter = ["municipalities"]
    search_fields = ["name", "municipalities__name"]
    filter_horizontal = ["municipalities", "organisations"]

    def get_queryset(self, request):
        return administered_teams(request.user)

    def admin_may_add(self, request, scope):
        return scope.region  # a new team is administered by the region until it has its own administrator

    def admin_may_change(self, request, scope, obj):
        return True  # in scope: checked by has_change_permission


class MembershipForm(forms.ModelForm):
    """Shows the service's rules on the form; saving goes through the service (MembershipAdmin.save_model)."""

    actor: User  # set by MembershipAdmin.get_form

    class Meta:
        model = Membership
        fields = ["user", "organisation", "team", "role", "start_date", "end_date"]

    def clean(self):
        cleaned = super().clean()
        try:
            if self.instance.pk is None:
                if not self.has_error("user") and not self.has_error("role"):
                    membership_check(
                        actor=self.actor,
                        user=cleaned.get("user"),
                        organisation=cleaned.get("organisation"),
                        role=cleaned.get("role", ""),
                        team=cleaned.get("team"),
                    )
            elif "end_date" in self.changed_data:
                old = Membership.objects.get(pk=self.instance.pk)
                membership_end_check(membership=old, end_date=cleaned.get("end_date"))
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    """A new membership is checked and stored by `membership_create` (a case role asked by an administrator
    waits for a coordinator); an existing one only gets an end date (`membership_end`). No one touches
    their own. Nothing is deleted: the history of who had which role stays."""

    form = MembershipForm
    list_display = ["user", "role", "organisation", "team", "status", "start_date", "end_date"]
    list_filter = [
        "status",
        "role",
        ("team", admin.RelatedOnlyFieldListFilter),
        "organisation__kind",
        ("organisation", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__username", "user__full_name", "organisation__name", "team__name"]
    autocomplete_fields = ["user", "organisation", "team"]
    date_hierarchy = "start_date"
    add_fields = ["user", "organisation", "team", "role", "start_date"]
    shown_fields = [*add_fields, "end_date", "status", "requested_by", "decided_by", "decided_at"]

    def get_queryset(self, request):
        return administered_memberships(request.user)

    def admin_may_add(self, request, scope):
        return True

    def admin_may_change(self, request, scope, obj):
        return True  # in scope: checked by has_change_permission

    def has_change_permission(self, request, obj=None):
        # For superusers too: one's own membership, and a request that waits or was refused, stay as they are.
        if obj is not None and (obj.user_id == request.user.pk or obj.status != MembershipStatus.ACTIVE):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [name for name in self.shown_fields if name != "end_date"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Autocomplete validates against this queryset, not against the related admin's: scope it here.
        scoped = {"user": administered_users, "organisation": administered_organisations, "team": administered_teams}
        if db_field.name in scoped:
            kwargs["queryset"] = scoped[db_field.name](request.user)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "team" and not self.scope(request).region:
            field.required = True
            field.error_messages["required"] = MEMBERSHIP_REGION_NOT_ADMINISTERED
        return field

    def save_model(self, request, obj, form, change):
        if change:
            if "end_date" in form.changed_data:
                membership_end(
                    actor=request.user,
                    membership=Membership.objects.get(pk=obj.pk),
                    end_date=obj.end_date,
                    request=request,
                )
            return
        created = membership_create(
            actor=request.user,
            user=obj.user,
            organisation=obj.organisation,
            team=obj.team,
            role=obj.role,
            start_date=obj.start_date,
            request=request,
        )
        for field in Membership._meta.concrete_fields:  # the admin goes on with (and links to) the saved row
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    def response_add(self, request, obj, post_url_continue=None):
        if obj.status == MembershipStatus.PENDING:
            self.message_user(
                request,
                _(
                    "Het lidmaatschap wacht op bevestiging door een coördinator van het team; "
                    "tot dan geeft het geen toegang."
                ),
            )
        return super().response_add(request, obj, post_url_continue)


class IdentityProviderForm(forms.ModelForm):
    """The secret is written, never shown again; left empty on a change, the old one stays."""

    issuer = forms.URLField(label=_("issuer"), max_length=300, assume_scheme="https")
    client_secret = forms.CharField(
        label=_("client-secret"), required=False, widget=forms.PasswordInput(render_value=False), max_length=500
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "organisation",
            "issuer",
            "client_id",
            "client_secret",
            "allowed_domains",
            "mfa_acr_values",
            "is_active",
        ]

    def clean_client_secret(self):
        secret = self.cleaned_data.get("client_secret") or ""
        if not secret and self.instance.pk:
            return self.instance.client_secret
        if not secret:
            raise ValidationError(_("Vul het client-secret in dat de provider gaf."))
        return secret

    def clean_issuer(self):
        issuer = (self.cleaned_data.get("issuer") or "").rstrip("/")
        if not issuer.startswith("https://") and not issuer.startswith(("http://127.0.0.1", "http://localhost")):
            raise ValidationError(_("De issuer moet een https-adres zijn."))
        return issuer

    def clean_allowed_domains(self):
        value = self.cleaned_data.get("allowed_domains") or ""
        domains = value.replace(",", " ").split()
        if not domains or any("." not in d or "@" in d.lstrip("@") for d in domains):
            raise ValidationError(_("Geef een of meer e-maildomeinen, bijvoorbeeld: gemeente.nl"))
        return " ".join(d.lower().lstrip("@") for d in domains)


@admin.register(IdentityProvider)
class IdentityProviderAdmin(ScopedAdmin):
    """The organisation's own sign-in. It grants nothing by itself: accounts signing in through it are
    new and inactive until a membership is given and confirmed (security.oidc), so configuring one
    raises no one's rights."""

    form = IdentityProviderForm
    list_display = ["organisation", "issuer", "client_id", "allowed_domains", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["organisation__name", "issuer"]

    def get_queryset(self, request):
        return IdentityProvider.objects.filter(
            organisation__in=administered_organisations(request.user)
        ).select_related("organisation")

    def admin_may_add(self, request, scope):
        return True

    def admin_may_change(self, request, scope, obj):
        # As for the organisation itself: one shared with a team one does not administer is not one's own.
        return obj is None or scope.region or not obj.organisation.teams.exclude(pk__in=scope.team_ids).exists()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = administered_organisations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
