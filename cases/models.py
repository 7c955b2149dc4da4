"""The shared case record (netwerkdossier): one case per family, its people, participants, notes,
timeline, joint safety assessments, veiligheidsvoorwaarden and agreed interventions.

Reach case data only through `cases.selectors` (need-to-know + access log); write through services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cases.validators import BSN_TWICE_IN_CASE, mask_bsn, validate_bsn, validate_date_in_range, validate_not_in_future
from partners.models import Municipality, Organisation, SafetyTeam


class GuardedQuerySet(models.QuerySet):
    """History is kept per row, so a bulk update would change data without a trace: refused."""

    def update(self, **kwargs):
        raise TypeError("Bulk updates bypass the change history; change rows through the services.")

    def _raw_update(self, **kwargs) -> int:
        """For compare-and-set claims in services that write their own history row afterwards."""
        return super().update(**kwargs)


class Confidentiality(models.TextChoices):
    """Who reads an item's content: notes, persons' details, partner contributions, judgement texts,
    documents (the rules are in cases.confidentiality)."""

    GEDEELD = "gedeeld", _("gedeeld met alle betrokkenen")
    EIGEN_ORGANISATIE = "eigen_organisatie", _("alleen de eigen organisatie")
    MELDER = "melder", _("alleen Veilig Thuis (herleidbaar tot de melder)")


def confidentiality_field() -> models.CharField:
    return models.CharField(
        _("vertrouwelijkheid"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.GEDEELD
    )


def confidentiality_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(confidentiality__in=Confidentiality.values), name=name)


class CaseStatus(models.TextChoices):
    AANGEMELD = "aangemeld", _("aangemeld")
    VEILIGHEIDSBEOORDELING = "veiligheidsbeoordeling", _("veiligheidsbeoordeling")
    GEZAMENLIJKE_ANALYSE = "gezamenlijke_analyse", _("gezamenlijke analyse")
    INZET_AFGESPROKEN = "inzet_afgesproken", _("inzet afgesproken")
    MONITORING = "monitoring", _("monitoring")
    AFGESCHAALD = "afgeschaald", _("afgeschaald")
    AFGESLOTEN = "afgesloten", _("afgesloten")


CLOSED_STATUSES = (CaseStatus.AFGESCHAALD, CaseStatus.AFGESLOTEN)


class Intake(models.TextChoices):
    MELDING_VT = "melding_vt", _("melding bij Veilig Thuis")
    SIGNAAL_LOKAAL_TEAM = "signaal_lokaal_team", _("signaal van het lokale team")
    VERZOEK_TOT_ONDERZOEK = "verzoek_tot_onderzoek", _("verzoek tot onderzoek (RvdK)")
    GI = "gi", _("via de Gecertificeerde Instelling")


class Case(models.Model):
    """One family (gezin/huishouden): één gezin, één plan, één regisseur."""

    reference = models.CharField(_("zaaknummer"), max_length=32, unique=True)
    family_name = models.CharField(_("gezin"), max_length=200, help_text=_("Bijvoorbeeld: gezin De Vries"))
    team = models.ForeignKey(SafetyTeam, on_delete=models.PROTECT, related_name="cases", verbose_name=_("team"))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cases", verbose_name=_("gemeente")
    )
    status = models.CharField(_("status"), max_length=32, choices=CaseStatus.choices, default=CaseStatus.AANGEMELD)
    # Acute onveiligheid puts the case on the crisis path, whatever its status.
    crisis = models.BooleanField(_("acute onveiligheid"), default=False)
    vast_gezicht = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vast_gezicht_cases",
        verbose_name=_("vast gezicht"),
    )
    intake = models.CharField(_("binnengekomen via"), max_length=32, choices=Intake.choices)
    reported_on = models.DateField(
        _("datum melding/signaal"), validators=[validate_date_in_range, validate_not_in_future]
    )
    opened_at = models.DateTimeField(_("geopend op"), default=timezone.now)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    # Reopening after closure starts a new episode (a re-report).
    episode = models.PositiveIntegerField(_("episode"), default=1)
    # Optimistic locking: every change bumps it; a stale version is refused.
    version = models.PositiveIntegerField(default=1)
    external_reference = models.CharField(_("extern kenmerk"), max_length=64, blank=True)
    source_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()
    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        ordering = ["-opened_at", "-id"]
        default_permissions = ("add", "change", "delete", "view")
        indexes = [
            models.Index(fields=["team", "status", "-opened_at"], name="case_team_status_idx"),
            models.Index(fields=["municipality", "status"], name="case_municipality_status_idx"),
            models.Index(fields=["-opened_at", "-id"], name="case_opened_idx"),
            # "Teamzaken" newest first: with only case_opened_idx PostgreSQL walks every team's newest
            # cases to find 25 of one team, ten times as many in a country of 30 teams as in a region of 3.
            models.Index(fields=["team", "-opened_at", "-id"], name="case_team_opened_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            models.UniqueConstraint(
                fields=["source_organisation", "external_reference"],
                condition=~Q(external_reference=""),
                name="case_unique_external_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.family_name}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class CaseUserObjectPermission(UserObjectPermissionBase):
    """django-guardian grant on one case, with a direct foreign key (no generic tables)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "content_object"], name="case_perm_user_case_idx")]


class PersonRole(models.TextChoices):
    JEUGDIGE = "jeugdige", _("jeugdige")
    OUDER = "ouder", _("ouder")
    VERZORGER = "verzorger", _("verzorger")
    NETWERK = "netwerk", _("netwerk")


class PersonQuerySet(GuardedQuerySet):
    def current(self) -> PersonQuerySet:
        """The persons of the family as it stands: without those removed as added by mistake."""
        return self.filter(removed_at__isnull=True)


class Person(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(_("rol in het gezin"), max_length=16, choices=PersonRole.choices)
    full_name = models.CharField(_("naam"), max_length=200)
    date_of_birth = models.DateField(
        _("geboortedatum"), null=True, blank=True, validators=[validate_date_in_range, validate_not_in_future]
    )
    bsn = models.CharField(_("BSN"), max_length=9, blank=True, validators=[validate_bsn])
    # Name, birth date and BSN are the person's details; the role in the family is always known.
    confidentiality = confidentiality_field()
    # The organisation that added the person (the "eigen organisatie" of the class); None before it was kept.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    # A person added by mistake is removed softly: kept with who removed them, when and why.
    removed_at = models.DateTimeField(_("verwijderd op"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(_("reden van verwijderen"), max_length=1000, blank=True)

    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        ordering = ["role", "date_of_birth", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=PersonRole.values), name="person_role_valid"),
            confidentiality_constraint("person_confidentiality_valid"),
            # The BSN is stored as typed (not encrypted), so equality is a plain unique index. Two clicks
            # at once cannot both add the same BSN; a removed person's BSN may be added again.
            models.UniqueConstraint(
                fields=["case", "bsn"],
                condition=~Q(bsn="") & Q(removed_at__isnull=True),
                name="person_unique_bsn_per_case",
                violation_error_message=BSN_TWICE_IN_CASE,
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_bsn(self) -> str:
        return mask_bsn(self.bsn)


class ParticipantRole(models.TextChoices):
    VAST_GEZICHT = "vast_gezicht", _("vast gezicht")
    CASUSREGISSEUR = "casusregisseur", _("casusregisseur")
    ONDERZOEKER = "onderzoeker", _("onderzoeker")
    JEUGDBESCHERMER = "jeugdbeschermer", _("jeugdbeschermer")
    BETROKKEN = "betrokken", _("betrokken professional")
    DESKUNDIGE = "deskundige", _("deskundige")


class BasisKind(models.TextChoices):
    """On what basis a participation shares the case's data (docs/design.md §11)."""

    TOESTEMMING = "toestemming", _("toestemming")
    WETTELIJK = "wettelijk", _("wettelijke grondslag")
    CONFLICT_VAN_PLICHTEN = "conflict_van_plichten", _("conflict van plichten")
    # Whoever opens the case, and the vast gezicht named then, work from their organisation's own task.
    EIGEN_TAAK = "eigen_taak", _("eigen taak (bij het openen van de casus)")
    # Participations from before the basis was recorded, and imports of the exchange format v1 (it has none).
    NIET_VASTGELEGD = "niet_vastgelegd", _("niet vastgelegd (vóór invoering grondslag)")


# What a user may choose when adding a participant; the other kinds are recorded by the system.
CHOSEN_BASIS_KINDS = (BasisKind.TOESTEMMING, BasisKind.WETTELIJK, BasisKind.CONFLICT_VAN_PLICHTEN)


class ParticipantQuerySet(GuardedQuerySet):
    def active(self) -> ParticipantQuerySet:
        return self.filter(ended_at__isnull=True)


class Participant(models.Model):
    """An organisation and professional involved in the case; an active one grants access."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="participations")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("rol in de casus"), max_length=20, choices=ParticipantRole.choices)
    started_at = models.DateTimeField(_("betrokken sinds"), default=timezone.now)
    ended_at = models.DateTimeField(_("betrokken tot"), null=True, blank=True)
    # The basis of sharing (cases.participant_basis checks it): kind, purpose and what the kind needs.
    basis_kind = models.CharField(_("grondslag"), max_length=24, choices=BasisKind.choices)
    purpose = models.TextField(_("doel"), max_length=2000, blank=True)
    legal_basis = models.ForeignKey(
        "cases.LegalBasis",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("wettelijke grondslag"),
    )
    consent = models.ForeignKey(
        "cases.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("toestemming"),
    )
    conflict_argument = models.TextField(_("onderbouwing conflict van plichten"), max_length=5000, blank=True)
    basis_ends_on = models.DateField(_("grondslag geldig tot"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("betrokkene")
        verbose_name_plural = _("betrokkenen")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "professional", "organisation"],
                condition=Q(ended_at__isnull=True),
                name="participant_unique_active",
            ),
            models.CheckConstraint(condition=Q(basis_kind__in=BasisKind.values), name="participant_basis_kind_valid"),
            # Each kind carries what it rests on: a statutory basis, a consent, or the written argument.
            models.CheckConstraint(
                condition=~Q(basis_kind=BasisKind.WETTELIJK) | Q(legal_basis__isnull=False),
                name="participant_statutory_has_basis",
            ),
            models.CheckConstraint(
                condition=~Q(basis_kind=BasisKind.TOESTEMMING) | Q(consent__isnull=False),
                name="participant_consent_has_consent",
            ),
            models.CheckConstraint(
                condition=~Q(basis_kind=BasisKind.CONFLICT_VAN_PLICHTEN) | ~Q(conflict_argument=""),
                name="participant_conflict_has_argument",
            ),
        ]
        indexes = [models.Index(fields=["professional", "ended_at"], name="participant_prof_idx")]

    def __str__(self) -> str:
        return f"{self.professional} ({self.organisation})"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Plain text only; templates escape it.
    text = models.TextField(_("notitie"), max_length=10000)
    confidentiality = confidentiality_field()
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # A correction is a note of its own that names the note it corrects; the original keeps its text
    # and is marked corrected (when, by whom), so what was written first stays readable.
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction", verbose_name=_("corrigeert")
    )
    corrected_at = models.DateTimeField(_("gecorrigeerd op"), null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = GuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")
        ordering = ["-created_at", "-id"]
        constraints = [confidentiality_constraint("note_confidentiality_valid")]

    def __str__(self) -> str:
        return f"Note {self.pk}"


class EventKind(models.TextChoices):
    CASE_OPENED = "case_opened", _("casus geopend")
    MELDING_RECEIVED = "melding_received", _("melding ontvangen")
    VERZOEK_RECEIVED = "verzoek_received", _("verzoek tot onderzoek ontvangen")
    ONDERZOEK_STARTED = "onderzoek_started", _("onderzoek gestart")
    ONDERZOEK_COMPLETED = "onderzoek_completed", _("onderzoek afgerond")
    STATUS_CHANGED = "status_changed", _("status gewijzigd")
    CRISIS_FLAGGED = "crisis_flagged", _("acute onveiligheid gemeld")
    CRISIS_RESOLVED = "crisis_resolved", _("acute onveiligheid opgeheven")
    CASE_REOPENED = "case_reopened", _("casus heropend (nieuwe episode)")
    VAST_GEZICHT_ASSIGNED = "vast_gezicht_assigned", _("vast gezicht toegewezen")
    PERSON_ADDED = "person_added", _("persoon toegevoegd")
    PERSON_CHANGED = "person_changed", _("persoon gewijzigd")
    PARTICIPANT_ADDED = "participant_added", _("betrokkene toegevoegd")
    PARTICIPANT_ENDED = "participant_ended", _("betrokkenheid beëindigd")
    NOTE_ADDED = "note_added", _("notitie toegevoegd")
    CASE_CHANGED = "case_changed", _("casusgegevens gewijzigd")
    CONTRIBUTION_ADDED = "contribution_added", _("bijdrage aan veiligheidsbeoordeling")
    JUDGEMENT_RECORDED = "judgement_recorded", _("gezamenlijk oordeel vastgelegd")
    CONDITION_AGREED = "condition_agreed", _("veiligheidsvoorwaarde afgesproken")
    CONDITION_CHECKED = "condition_checked", _("veiligheidsvoorwaarde gecontroleerd")
    INTERVENTION_AGREED = "intervention_agreed", _("inzet afgesproken")
    INTERVENTION_STARTED = "intervention_started", _("inzet gestart")
    INTERVENTION_ENDED = "intervention_ended", _("inzet beëindigd")
    DISCUSSED_IN_MEETING = "discussed_in_meeting", _("besproken in overleg")
    DESTRUCTION_REQUESTED = "destruction_requested", _("verzoek tot vernietiging")
    JUDGEMENT_AMENDED = "judgement_amended", _("gezamenlijk oordeel gewijzigd")
    AGREEMENT_RECORDED = "agreement_recorded", _("akkoord met gezamenlijk oordeel")
    DISSENT_RECORDED = "dissent_recorded", _("afwijkend standpunt vastgelegd")
    CONDITION_BREACHED = "condition_breached", _("veiligheidsvoorwaarde niet nagekomen")
    CONTRIBUTION_REQUESTED = "contribution_requested", _("bijdrage gevraagd")
    CONTRIBUTION_CORRECTED = "contribution_corrected", _("bijdrage gecorrigeerd")
    NOTE_CORRECTED = "note_corrected", _("notitie gecorrigeerd")
    PERSON_REMOVED = "person_removed", _("persoon verwijderd")
    PLACED_ON_AGENDA = "placed_on_agenda", _("geagendeerd voor overleg")
    # About the melder: the event says that, never who (cases.reporters).
    REPORTER_RECORDED = "reporter_recorded", _("melder vastgelegd")
    REPORTER_FEEDBACK_RECORDED = "reporter_feedback_recorded", _("terugkoppeling aan de melder vastgelegd")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("toestemming ingetrokken")
    # About a document: its kind and id, never its title (cases.documents).
    DOCUMENT_ADDED = "document_added", _("document toegevoegd")
    BESCHIKKING_RECORDED = "beschikking_recorded", _("beschikking vastgelegd")
    # A child's protection measure: its kind and ids, never a name (cases.documents.measures).
    MEASURE_RECORDED = "measure_recorded", _("maatregel voor een kind vastgelegd")
    MEASURE_ENDED = "measure_ended", _("maatregel voor een kind beëindigd")
    # Retention and the family's requests (cases.retention, cases.requests).
    CASE_DESTROYED = "case_destroyed", _("casus vernietigd")
    DESTRUCTION_DECIDED = "destruction_decided", _("besluit op verzoek tot vernietiging")
    FAMILY_REQUEST_RECEIVED = "family_request_received", _("verzoek van het gezin ontvangen")
    FAMILY_REQUEST_EXTENDED = "family_request_extended", _("termijn verzoek van het gezin verlengd")
    FAMILY_REQUEST_DECIDED = "family_request_decided", _("besluit op verzoek van het gezin")
    # The veiligheidsplan (cases.safety_plans): a new version, its next evaluation, an akkoord with it.
    SAFETY_PLAN_RECORDED = "safety_plan_recorded", _("veiligheidsplan vastgelegd")
    PLAN_EVALUATION_PLANNED = "plan_evaluation_planned", _("evaluatie veiligheidsplan gepland")
    SAFETY_PLAN_AGREED = "safety_plan_agreed", _("akkoord met veiligheidsplan")


class TimelineEvent(models.Model):
    """Everything that happened to a case, in order; metrics are computed from these rows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    episode = models.PositiveIntegerField(default=1)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, related_name="+")
    # Human-readable line; may hold free text, so never exported to evaluators.
    summary = models.CharField(max_length=500, blank=True)
    # Structured facts (ids, old/new status, scores): safe for metrics.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("tijdlijngebeurtenis")
        verbose_name_plural = _("tijdlijn")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="timeline_case_idx")]

    def __str__(self) -> str:
        return f"TimelineEvent {self.pk}"


class SubmissionKey(models.Model):
    """The one-time key of a create form (or of an API call's Idempotency-Key): a second sending of
    the same form finds what the first one created instead of creating it again."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    # What the sending created: a row of `model_label` in `case` (both set once it exists); ends with the case.
    model_label = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="submission_key_once_per_actor")]

    def __str__(self) -> str:
        return f"SubmissionKey {self.pk}"


class CaseVisit(models.Model):
    """When a user last opened a case's page: the start page lists cases with activity since then
    (cases.visits). One row per user and case, overwritten; not a log (that is the access log)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="case_visit_once_per_user")]

    def __str__(self) -> str:
        return f"CaseVisit {self.pk}"


# Django discovers models through this module: the sub-packages' models are imported here, last,
# because they refer to the record's models above.
from cases.access_log.models import AccessLogEntry  # noqa: E402,F401
from cases.assessments.models import (  # noqa: E402,F401
    Agreement,
    Assessment,
    Dissent,
    JointJudgement,
    JointJudgementVersion,
    PartnerContribution,
    PartnerContributionVersion,
    SafetyScoreField,
    Veiligheidsvoorwaarde,
)
from cases.documents.models import ChildMeasure, Document, DocumentVersion  # noqa: E402,F401
from cases.interventions.models import Intervention  # noqa: E402,F401
from cases.legal_bases.models import Consent, ConsentGiver, LegalBasis  # noqa: E402,F401
from cases.reporters.models import Reporter  # noqa: E402,F401
from cases.requests.models import FamilyRequest  # noqa: E402,F401
from cases.retention.models import Destruction, RetentionRule  # noqa: E402,F401
from cases.safety_plans.models import (  # noqa: E402,F401
    NetworkCommitment,
    PlanAgreement,
    SafetyPlan,
    SafetyPlanVersion,
)
