"""Team meetings (veiligheidsteam-overleg): agenda of cases, attendance, minutes and decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import GuardedQuerySet


class Meeting(models.Model):
    team = models.ForeignKey(
        "partners.SafetyTeam", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("team")
    )
    scheduled_at = models.DateTimeField(_("datum en tijd"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
        verbose_name=_("voorzitter"),
    )
    location = models.CharField(_("locatie"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    # Closing freezes the meeting: from then on its pages and minutes render from the snapshots
    # (this one for the meeting, one per agenda item), not from the cases as they are today.
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("overleg")
        verbose_name_plural = _("overleggen")
        ordering = ["-scheduled_at", "-id"]
        indexes = [models.Index(fields=["team", "-scheduled_at"], name="meeting_team_idx")]

    def __str__(self) -> str:
        return f"Meeting {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class AgendaItem(models.Model):
    """A case on the agenda, with the minutes of its discussion."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    minutes = models.TextField(_("verslag"), blank=True)
    discussed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # The case as it stood when the meeting closed (workflows.meetings.snapshot, with its schema version).
    snapshot = models.JSONField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_item_case_once")]

    def __str__(self) -> str:
        return f"AgendaItem {self.pk}"


class ProposalReason(models.TextChoices):
    CONDITION_BREACHED = "condition_breached", _("voorgesteld: voorwaarde niet nagekomen")


class AgendaProposal(models.Model):
    """A case proposed for the team's next meeting (a breached veiligheidsvoorwaarde): the chair sees it
    on every upcoming meeting of the team and accepts it by putting the case on that agenda."""

    team = models.ForeignKey("partners.SafetyTeam", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="agenda_proposals")
    reason = models.CharField(_("reden"), max_length=32, choices=ProposalReason.choices)
    # The event that proposed it: a replayed or retried event proposes nothing twice.
    event = models.OneToOneField("cases.TimelineEvent", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the case went on an agenda after the proposal.
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("agendavoorstel")
        verbose_name_plural = _("agendavoorstellen")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["team"], condition=Q(agenda_item__isnull=True), name="agenda_proposal_open_idx"),
        ]

    def __str__(self) -> str:
        return f"AgendaProposal {self.pk}"


class Attendance(models.Model):
    """Who was present, and for which organisation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("partners.Organisation", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigen")
        ordering = ["organisation__name", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once_per_user")]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"


class DecisionKind(models.TextChoices):
    ASSESSMENT = "assessment", _("gezamenlijk oordeel")
    INTERVENTION = "intervention", _("inzet afgesproken")
    CONDITION = "condition", _("veiligheidsvoorwaarde afgesproken")


class MeetingDecision(models.Model):
    """A decision taken on an agenda case: links the meeting to what was agreed there."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=16, choices=DecisionKind.choices)
    judgement = models.ForeignKey("cases.JointJudgement", on_delete=models.PROTECT, null=True, related_name="+")
    intervention = models.OneToOneField(
        "cases.Intervention", on_delete=models.PROTECT, null=True, related_name="meeting_decision"
    )
    condition = models.OneToOneField(
        "cases.Veiligheidsvoorwaarde", on_delete=models.PROTECT, null=True, related_name="meeting_decision"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="assessment", judgement__isnull=False)
                    | Q(kind="intervention", intervention__isnull=False)
                    | Q(kind="condition", condition__isnull=False)
                ),
                name="meeting_decision_names_its_object",
            ),
            # One joint judgement per agenda case: a second one is a repeated click, not a decision.
            models.UniqueConstraint(
                fields=["agenda_item"], condition=Q(kind="assessment"), name="meeting_decision_one_judgement"
            ),
        ]

    def __str__(self) -> str:
        return f"MeetingDecision {self.pk}"
