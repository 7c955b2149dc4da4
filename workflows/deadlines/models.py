"""Deadline rules, deadlines and the reminders sent for them (DESIGN.md §8).

A rule says which timeline event starts the clock and which closes it, the term and who is
responsible. A deadline is a row copied from its rule when the start event happens: changing a rule
later does not move deadlines already running (the admin recomputes them explicitly).
A reminder is a row per (deadline, stage, recipient): the unique key makes sending exactly-once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, EventKind, TimelineEvent
from partners.models import Organisation, OrganisationKind, SafetyTeam
from workflows.deadlines.reminder_offsets import parse_offsets, validate_offsets


class GelijkgesteldeDag(models.Model):
    """A day the Besluit gelijkstelling puts on a par with the Atw feestdagen (art. 3 lid 3)."""

    day = models.DateField(_("datum"), unique=True)
    source = models.CharField(_("bron"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("gelijkgestelde dag")
        verbose_name_plural = _("gelijkgestelde dagen (Algemene termijnenwet)")
        ordering = ["day"]

    def __str__(self) -> str:
        return self.day.isoformat()


# The timeline events a rule may start or close on; only these reach the deadline handlers.
DEADLINE_EVENT_KINDS = (
    EventKind.CASE_OPENED,
    EventKind.MELDING_RECEIVED,
    EventKind.VERZOEK_RECEIVED,
    EventKind.ONDERZOEK_STARTED,
    EventKind.ONDERZOEK_COMPLETED,
    EventKind.STATUS_CHANGED,
    EventKind.CONTRIBUTION_ADDED,
    EventKind.JUDGEMENT_RECORDED,
    EventKind.CONDITION_AGREED,
    EventKind.CONDITION_CHECKED,
    EventKind.CONDITION_BREACHED,
    EventKind.CRISIS_FLAGGED,
    EventKind.INTERVENTION_AGREED,
    EventKind.INTERVENTION_STARTED,
    EventKind.INTERVENTION_ENDED,
    EventKind.DISCUSSED_IN_MEETING,
    EventKind.DESTRUCTION_REQUESTED,
    EventKind.REPORTER_RECORDED,
    EventKind.REPORTER_FEEDBACK_RECORDED,
    EventKind.BESCHIKKING_RECORDED,
    EventKind.DESTRUCTION_DECIDED,
    EventKind.FAMILY_REQUEST_RECEIVED,
    EventKind.FAMILY_REQUEST_DECIDED,
    EventKind.SAFETY_PLAN_RECORDED,
    EventKind.PLAN_EVALUATION_PLANNED,
)
# A participation whose basis has an end date opens its review: these reach their own handlers
# (services.on_basis_review_start/_close), and only for participations with such a date.
BASIS_REVIEW_EVENT_KINDS = (EventKind.PARTICIPANT_ADDED, EventKind.PARTICIPANT_ENDED)
EVENT_CHOICES = [(kind.value, kind.label) for kind in (*DEADLINE_EVENT_KINDS, *BASIS_REVIEW_EVENT_KINDS)]


class TermUnit(models.TextChoices):
    HOURS = "hours", _("uren")
    CALENDAR_DAYS = "calendar_days", _("kalenderdagen")
    WORKING_DAYS = "working_days", _("werkdagen")
    WEEKS = "weeks", _("weken")
    MONTHS = "months", _("maanden")
    # The intervention's due date, the condition's check date, the safety plan's evaluation date.
    SUBJECT_DATE = "subject_date", _("datum van de inzet of voorwaarde")


class Responsible(models.TextChoices):
    ORGANISATION_KIND = "organisation_kind", _("een soort organisatie")
    VAST_GEZICHT = "vast_gezicht", _("het vaste gezicht van de casus")
    SUBJECT_OWNER = "subject_owner", _("de eigenaar van de inzet of voorwaarde")


class DeadlineRule(models.Model):
    """A configurable norm. Rules without a team are the region's defaults."""

    team = models.ForeignKey(
        SafetyTeam,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadline_rules",
        verbose_name=_("team"),
        help_text=_("Leeg: standaardregel voor de regio, geldt voor teams zonder eigen regel met deze code."),
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("naam"), max_length=200)
    start_event = models.CharField(_("start bij gebeurtenis"), max_length=32, choices=EVENT_CHOICES)
    start_status = models.CharField(
        _("alleen bij nieuwe status"), max_length=32, blank=True, help_text=_("Voor 'status gewijzigd'.")
    )
    # "Onderzoek gestart" is recorded by Veilig Thuis and by the Raad: each starts only its own term.
    start_organisation_kind = models.CharField(
        _("alleen als de startgebeurtenis komt van"), max_length=20, choices=OrganisationKind.choices, blank=True
    )
    close_event = models.CharField(_("gesloten door gebeurtenis"), max_length=32, choices=EVENT_CHOICES, blank=True)
    close_organisation_kind = models.CharField(
        _("alleen als de gebeurtenis komt van"), max_length=20, choices=OrganisationKind.choices, blank=True
    )
    term_value = models.IntegerField(_("termijn"), default=0)
    term_unit = models.CharField(_("eenheid"), max_length=16, choices=TermUnit.choices)
    max_term_value = models.IntegerField(_("maximale termijn"), null=True, blank=True)
    responsible = models.CharField(_("verantwoordelijk"), max_length=20, choices=Responsible.choices)
    responsible_organisation_kind = models.CharField(
        _("soort organisatie"), max_length=20, choices=OrganisationKind.choices, blank=True
    )
    reminder_offsets = models.CharField(
        _("herinneringen vooraf"),
        max_length=200,
        blank=True,
        validators=[validate_offsets],
        help_text=_("Kommagescheiden, bijvoorbeeld '2wd, 1d': 2 werkdagen en 1 dag voor de termijn (h, d, wd, w)."),
    )
    escalation_interval_hours = models.PositiveIntegerField(
        _("opnieuw escaleren na (uren)"), default=24, validators=[MinValueValidator(1)]
    )
    statutory = models.BooleanField(_("wettelijke termijn"), default=False)
    source = models.CharField(_("bron"), max_length=300, blank=True)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("termijnregel")
        verbose_name_plural = _("termijnregels")
        ordering = ["team__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["team", "code"], name="deadline_rule_unique_code_in_team"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(team__isnull=True), name="deadline_rule_unique_default"
            ),
            models.CheckConstraint(condition=Q(term_value__gte=0), name="deadline_rule_term_not_negative"),
            models.CheckConstraint(condition=Q(term_unit__in=TermUnit.values), name="deadline_rule_unit_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.team or _('regio')})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.term_unit not in TermUnit.values:
            errors["term_unit"] = _("Onbekende eenheid: %(unit)s.") % {"unit": self.term_unit}
        if self.term_value is not None and self.term_value < 0:
            errors["term_value"] = _("De termijn mag niet negatief zijn.")
        elif self.term_unit != TermUnit.SUBJECT_DATE and not self.term_value:
            errors["term_value"] = _("Geef een termijn groter dan nul.")
        if self.max_term_value is not None and self.max_term_value < (self.term_value or 0):
            errors["max_term_value"] = _("De maximale termijn is korter dan de termijn.")
        if self.responsible == Responsible.ORGANISATION_KIND and not self.responsible_organisation_kind:
            errors["responsible_organisation_kind"] = _("Kies de soort organisatie die verantwoordelijk is.")
        if self.start_event == EventKind.STATUS_CHANGED and not self.start_status:
            errors["start_status"] = _("Kies bij welke nieuwe status de termijn start.")
        if "reminder_offsets" not in errors and self.term_unit in TermUnit.values and self.term_value:
            try:
                offsets = parse_offsets(self.reminder_offsets)
            except ValidationError:
                offsets = []  # the field validator reports the format
            too_long = [o.label for o in offsets if o.approx_hours() > self.approx_term_hours()]
            if too_long:
                errors["reminder_offsets"] = _("Een herinnering valt vóór de start van de termijn: %(offsets)s.") % {
                    "offsets": ", ".join(too_long)
                }
        if errors:
            raise ValidationError(errors)

    def approx_term_hours(self) -> float:
        per_unit = {"hours": 1, "calendar_days": 24, "working_days": 24, "weeks": 168, "months": 24 * 28}
        return (self.term_value or 0) * per_unit.get(self.term_unit, float("inf"))


class DeadlineState(models.TextChoices):
    OPEN = "open", _("open")
    MET = "met", _("gehaald")
    MISSED = "missed", _("niet gehaald")
    CANCELLED = "cancelled", _("vervallen")


def open_due_at() -> models.Case:
    """`due_at` of an open deadline, NULL for a closed one: indexed as an expression (deadline_open_due_expr_idx)
    so that ANALYZE keeps statistics on it. A partial index has none, and with years of closed history PostgreSQL
    then guesses that most open rows fall due by the end of this week. Filter and order on this expression."""
    return models.Case(models.When(state=DeadlineState.OPEN, then="due_at"), output_field=models.DateTimeField())


class Deadline(models.Model):
    """One running or closed term for a case (and, for some rules, one intervention or condition)."""

    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="deadlines")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    # "intervention:12" / "condition:7" for rules about one object; empty for case-wide rules.
    subject = models.CharField(max_length=40, blank=True)
    name = models.CharField(_("termijn"), max_length=200)
    started_at = models.DateTimeField(_("gestart op"))
    start_event = models.ForeignKey(TimelineEvent, on_delete=models.SET_NULL, null=True, related_name="+")
    # Copied from the rule when the deadline opened.
    term_value = models.IntegerField()
    term_unit = models.CharField(max_length=16, choices=TermUnit.choices)
    statutory = models.BooleanField(default=False)
    reminder_offsets = models.CharField(max_length=200, blank=True)
    escalation_interval_hours = models.PositiveIntegerField(default=24)
    due_at = models.DateTimeField(_("uiterlijk op"))
    latest_due_at = models.DateTimeField(_("uiterlijk (maximaal) op"), null=True, blank=True)
    responsible_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("status"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    close_event = models.ForeignKey(TimelineEvent, on_delete=models.SET_NULL, null=True, related_name="+")
    # The next reminder stage falls due at this moment; the sweep claims rows where it has passed.
    remind_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("termijn")
        verbose_name_plural = _("termijnen")
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=DeadlineState.values), name="deadline_state_valid"),
            # An event replayed (or a retried handler) cannot open the same deadline twice.
            models.UniqueConstraint(
                fields=["rule", "case", "subject"], condition=Q(state="open"), name="deadline_unique_open"
            ),
        ]
        indexes = [
            # The sweep reads only open rows that have a reminder coming: cheap whatever the history.
            models.Index(fields=["remind_at"], condition=Q(state="open"), name="deadline_open_remind_idx"),
            models.Index(fields=["due_at"], condition=Q(state="open"), name="deadline_open_due_idx"),
            models.Index(open_due_at(), name="deadline_open_due_expr_idx"),
            models.Index(fields=["case", "state"], name="deadline_case_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.case.reference}"

    def is_overdue(self, now=None) -> bool:
        return self.state == DeadlineState.OPEN and self.due_at < (now or timezone.now())


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("direct")
    DIGEST = "digest", _("dagelijks overzicht")
    # No e-mail; the notification is still listed under "Meldingen".
    OFF = "off", _("geen e-mail")


class NotificationKind(models.TextChoices):
    """What a notification is about: a deadline's reminder, or something on a case a professional acts on."""

    DEADLINE = "deadline", _("eigen termijn nadert of is verlopen")
    CONDITION_BREACHED = "condition_breached", _("veiligheidsvoorwaarde niet nagekomen")
    CRISIS_FLAGGED = "crisis_flagged", _("acute onveiligheid")
    PARTICIPANT_ADDED = "participant_added", _("toegevoegd aan een casus")
    CONTRIBUTION_REQUESTED = "contribution_requested", _("bijdrage gevraagd")
    DISSENT_RECORDED = "dissent_recorded", _("afwijkend standpunt vastgelegd")
    PLACED_ON_AGENDA = "placed_on_agenda", _("casus geagendeerd voor overleg")


# Safety signals reach people at once, whatever they chose: they cannot be put in a digest or switched off.
SAFETY_SIGNALS = (NotificationKind.CONDITION_BREACHED, NotificationKind.CRISIS_FLAGGED)
# The kinds a user chooses the delivery of on the preferences page (deadlines: NotificationPreference.delivery).
CHOOSABLE_KINDS = (
    NotificationKind.PARTICIPANT_ADDED,
    NotificationKind.CONTRIBUTION_REQUESTED,
    NotificationKind.DISSENT_RECORDED,
    NotificationKind.PLACED_ON_AGENDA,
)


class Reminder(models.Model):
    """One reminder stage for one recipient, sent exactly once.

    Inserted (with its in-app notification) in the sweep's transaction; the unique key means a
    second sweep or a retried task cannot create it again. The e-mail is sent afterwards by a task
    that claims the row by compare-and-set on `claimed_until` and sets `sent_at` when done.
    """

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    # "before:2wd", "due", "overdue", "escalation:3"
    stage = models.CharField(max_length=32)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scheduled_for = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    # A sending task holds the row until then (compare-and-set); a dead worker's claim expires.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The sweep dispatches the e-mail again from then on if it is still unsent (lost task, dead worker).
    retry_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Not e-mailed after all: at send time the deadline had closed or the recipient could no longer
    # see the case (the next in line got the stage instead). Never claimed or dispatched again.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "workflows.Digest", on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )

    class Meta:
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        ordering = ["scheduled_for", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "stage", "recipient"], name="reminder_once_per_stage_recipient"
            ),
        ]
        indexes = [
            # Re-dispatch of e-mails whose worker died: only the unsent rows are read.
            models.Index(
                fields=["retry_at"], condition=Q(sent_at__isnull=True, delivery="immediate"), name="reminder_unsent_idx"
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(sent_at__isnull=True, delivery="digest", digest__isnull=True),
                name="reminder_digest_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.pk} ({self.stage})"


class Notification(models.Model):
    """A message in the user's list ("Meldingen"). Holds case references only, never family names.

    A deadline's reminder notification hangs on its Reminder (which carries the e-mail). Any other kind
    comes from a timeline event and carries its own e-mail: one row per event and recipient (unique key),
    sent by a task that claims the row by compare-and-set on `claimed_until` and sets `sent_at`.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    reminder = models.OneToOneField(
        "workflows.Reminder", on_delete=models.CASCADE, null=True, blank=True, related_name="notification"
    )
    # Database defaults too: the reminder sweep inserts its notifications in raw SQL.
    kind = models.CharField(
        _("soort"),
        max_length=32,
        choices=NotificationKind.choices,
        default=NotificationKind.DEADLINE,
        db_default=NotificationKind.DEADLINE,
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    event = models.ForeignKey(TimelineEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("bericht"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    # The e-mail of an event's notification (empty for a reminder's: the Reminder row carries it).
    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True, default="", db_default="")
    claimed_until = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Not e-mailed after all: at send time the recipient could no longer see the case.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "workflows.Digest", on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(event__isnull=False), name="notification_once_per_event_user"
            ),
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
            # The bell's unread count.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            # Re-dispatch of e-mails whose worker died: only the unsent rows are read.
            models.Index(
                fields=["retry_at"],
                condition=Q(sent_at__isnull=True, delivery="immediate", withdrawn_at__isnull=True),
                name="notification_unsent_idx",
            ),
            models.Index(
                fields=["user"],
                condition=Q(sent_at__isnull=True, delivery="digest", digest__isnull=True, withdrawn_at__isnull=True),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(
        _("e-mail over termijnen"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("tijdstip van het dagelijkse overzicht (uur)"), default=8, validators=[MaxValueValidator(23)]
    )

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [models.CheckConstraint(condition=Q(digest_hour__lte=23), name="preference_hour_valid")]

    def __str__(self) -> str:
        return f"{self.user}: {self.delivery}"


class NotificationKindPreference(models.Model):
    """How a user receives the e-mail of one kind of notification (no row: immediately)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=[(k.value, k.label) for k in CHOOSABLE_KINDS])
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        verbose_name = _("meldingsvoorkeur per soort")
        verbose_name_plural = _("meldingsvoorkeuren per soort")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="kind_preference_once_per_user"),
            # Safety signals are never in this table: they always go out at once.
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in CHOOSABLE_KINDS]), name="kind_preference_kind_choosable"
            ),
            models.CheckConstraint(condition=Q(delivery__in=Delivery.values), name="kind_preference_delivery_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} {self.delivery}"


class Digest(models.Model):
    """One daily e-mail per user; the unique key makes a second sweep the same day a no-op."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dagoverzicht")
        verbose_name_plural = _("dagoverzichten")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_day")]
        indexes = [models.Index(fields=["retry_at"], condition=Q(sent_at__isnull=True), name="digest_unsent_idx")]

    def __str__(self) -> str:
        return f"Digest {self.user_id} {self.day}"


class FeedScope(models.TextChoices):
    MINE = "mine", _("mijn termijnen")
    # A coordinator's subscription: the open deadlines of every case of the teams they coordinate at the fetch.
    TEAM = "team", _("termijnen van mijn teams")


class CalendarFeedToken(models.Model):
    """The secret of a user's .ics feed, one per scope; only its SHA-256 is stored. Revoking deletes the row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    scope = models.CharField(max_length=8, choices=FeedScope.choices, default=FeedScope.MINE)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda-abonnement")
        verbose_name_plural = _("agenda-abonnementen")
        constraints = [models.UniqueConstraint(fields=["user", "scope"], name="calendar_feed_once_per_scope")]

    def __str__(self) -> str:
        return f"CalendarFeedToken {self.user_id} {self.scope}"
