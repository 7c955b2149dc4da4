"""Forms of the meeting pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import VersionedForm
from cases.models import CLOSED_STATUSES
from cases.selectors import cases_visible_to
from cases.validators import validate_date_in_range
from partners.models import Membership, Organisation, Role, SafetyTeam, User
from partners.selectors import coordinated_team_ids
from security.digits import parse_id
from workflows.meetings.selectors import attendance_members, attendance_organisations, attendance_suggestions


class MeetingForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Veiligheidsteam"), queryset=SafetyTeam.objects.none())
    scheduled_at = forms.DateTimeField(
        label=_("Datum en tijd"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[validate_date_in_range],
    )
    chair = forms.ModelChoiceField(label=_("Voorzitter"), queryset=User.objects.none())
    location = forms.CharField(label=_("Locatie"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        team_ids = coordinated_team_ids(user)
        self.fields["team"].queryset = SafetyTeam.objects.filter(pk__in=team_ids)
        members = Membership.objects.active().filter(
            team_id__in=team_ids, role__in=[Role.COORDINATOR, Role.PROFESSIONAL]
        )
        self.fields["chair"].queryset = User.objects.filter(pk__in=members.values("user_id")).order_by("full_name")


# Up to this many open cases the agenda form offers a list; a bigger team types the case number.
AGENDA_CHOICES_LIMIT = 200


class AgendaAddForm(forms.Form):
    case = forms.ModelChoiceField(label=_("Casus"), queryset=None)

    def __init__(self, *args, user, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # The coordinator sees every case of the team: the agenda is built from those.
        field = self.fields["case"]
        field.queryset = (
            cases_visible_to(user)
            .filter(team_id=meeting.team_id)
            .exclude(status__in=CLOSED_STATUSES)
            .order_by("family_name")
        )
        if self.is_bound:
            # A case already on the agenda is accepted here: the service answers it with the existing item.
            if parse_id(self.data.get(self.add_prefix("case"), "")) is None:
                field.to_field_name = "reference"  # typed as a case number
            return
        field.queryset = field.queryset.exclude(agenda_items__meeting=meeting)
        # A region-scale team has tens of thousands of open cases: never render them all as options.
        # Unordered ids first: stops after LIMIT + 1 rows instead of sorting the whole team.
        ids = list(field.queryset.order_by().values_list("pk", flat=True)[: AGENDA_CHOICES_LIMIT + 1])
        if len(ids) <= AGENDA_CHOICES_LIMIT:
            field.queryset = field.queryset.filter(pk__in=ids)
        else:
            field.to_field_name = "reference"
            field.widget = forms.TextInput()
            field.widget.is_required = field.required
            field.help_text = _("Het zaaknummer van de casus.")


class MembershipChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user} ({obj.organisation})"


class AttendanceForm(forms.Form):
    member = MembershipChoice(label=_("Aanwezig"), queryset=Membership.objects.none())

    def __init__(self, *args, meeting, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        # Anyone of the team may be recorded (one already present too: the service names the existing row)…
        field.queryset = attendance_members(meeting, absent_only=not self.is_bound)
        if self.is_bound:
            return
        # …but a region's team has hundreds of members: offer a short list, grouped per organisation.
        groups: dict[str, list] = {}
        for member in attendance_suggestions(meeting, organisation=organisation):
            groups.setdefault(member.organisation.name, []).append((member.pk, str(member.user)))
        field.choices = [("", field.empty_label), *groups.items()]
        if organisation is None:
            field.help_text = _(
                "De voorzitter, de coördinatoren en wie bij de casussen op de agenda betrokken is. "
                "Staat iemand er niet bij? Kies hieronder een organisatie."
            )
        else:
            field.help_text = _("Alle leden van %(organisation)s in dit team.") % {"organisation": organisation}


class AttendanceListForm(forms.Form):
    """Which members the attendance field offers (sent by GET: the page reloads, no script needed)."""

    organisation = forms.ModelChoiceField(
        label=_("Personen tonen van"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("de voorgestelde deelnemers"),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = attendance_organisations(meeting)


class MinutesForm(VersionedForm):
    minutes = forms.CharField(label=_("Verslag"), widget=forms.Textarea, max_length=20000)


class MeetingCloseForm(VersionedForm):
    """Closing the meeting: only the version the chair saw (a meeting changed since is refused)."""

    record_fields = ("location", "chair", "scheduled_at")
