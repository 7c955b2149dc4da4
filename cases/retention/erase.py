"""What destroying a case removes, and what it keeps.

Removed: every personal value — the family name, the persons' names and BSNs, note texts, the texts of
contributions and judgements (every version), dissents, conditions and interventions, the melder's
record, the timeline's free-text summaries — and all change history rows of the case, which hold the
same values. Kept, for the metrics: the rows themselves with their kinds, dates, statuses, scores and the timeline's
structured data (ids, statuses, field names; never a value typed by a person), and the persons' role
and date of birth (the age bands of the national figures), which without a name or BSN point to no one.

Updates go around the change history on purpose (`_raw_update`): writing a history row would copy
what is being removed.
"""

from __future__ import annotations

from django.db import models

from cases.assessments.models import (
    Dissent,
    JointJudgement,
    JointJudgementVersion,
    PartnerContribution,
    PartnerContributionVersion,
    Veiligheidsvoorwaarde,
)
from cases.interventions.models import Intervention
from cases.models import Case, Note, Participant, Person, TimelineEvent
from cases.reporters.models import Reporter
from cases.requests.models import FamilyRequest
from cases.safety_plans.models import NetworkCommitment, SafetyPlanVersion

TOMBSTONE = "vernietigd"

# model -> (path from the model to the case, {field: value it gets})
CONTENT: list[tuple[type[models.Model], str, dict[str, object]]] = [
    (Case, "pk", {"family_name": TOMBSTONE, "external_reference": ""}),
    (Person, "case_id", {"full_name": TOMBSTONE, "bsn": "", "removal_reason": ""}),
    (Note, "case_id", {"text": TOMBSTONE}),
    (TimelineEvent, "case_id", {"summary": ""}),
    (
        PartnerContribution,
        "assessment__case_id",
        {"worries": "", "strengths": "", "must_happen": "", "arij_outcome": "", "lirik_outcome": ""},
    ),
    (JointJudgement, "assessment__case_id", {"rationale": TOMBSTONE, "parents_view": "", "children_view": ""}),
    # The versions refuse every other UPDATE (migration 0026): the tombstone is what lets this one pass.
    (
        JointJudgementVersion,
        "judgement__assessment__case_id",
        {"rationale": TOMBSTONE, "parents_view": "", "children_view": "", "reason": TOMBSTONE},
    ),
    (
        PartnerContributionVersion,
        "contribution__assessment__case_id",
        {
            "worries": TOMBSTONE,
            "strengths": "",
            "must_happen": "",
            "arij_outcome": "",
            "lirik_outcome": "",
            "reason": TOMBSTONE,
        },
    ),
    (Dissent, "judgement__assessment__case_id", {"reason": TOMBSTONE}),
    (Veiligheidsvoorwaarde, "case_id", {"description": TOMBSTONE}),
    (Intervention, "case_id", {"description": "", "result": ""}),
    (
        Reporter,
        "case_id",
        {
            "full_name": "",
            "relation": TOMBSTONE,
            "profession": "",
            "organisation_name": "",
            "phone": "",
            "email": "",
            "contact_notes": "",
            "promise": "",
            "feedback_how": "",
            "feedback_summary": "",
        },
    ),
    # The plan's versions refuse every other UPDATE (migration 0021): the tombstone is what lets this one pass.
    (
        SafetyPlanVersion,
        "plan__case_id",
        {"danger_statements": [], "safety_goals": [], "warning_signs": [], "monitoring": TOMBSTONE, "reason": ""},
    ),
    (NetworkCommitment, "version__plan__case_id", {"commitment": TOMBSTONE}),
    (
        FamilyRequest,
        "case_id",
        {"requester_name": TOMBSTONE, "text": "", "extension_reason": "", "decision_reason": ""},
    ),
]

# Models whose change history goes with the content (their history rows carry the case id or the row id).
WITH_HISTORY: tuple[type[models.Model], ...] = (
    Case,
    Person,
    Participant,
    Note,
    PartnerContribution,
    JointJudgement,
    Dissent,
    Veiligheidsvoorwaarde,
    Intervention,
    Reporter,
)


def _rows(model: type[models.Model], path: str, case_id: int) -> models.QuerySet:
    return model._default_manager.filter(**{path: case_id})


def _update(queryset: models.QuerySet, values: dict[str, object]) -> None:
    fields = {f.name for f in queryset.model._meta.get_fields()}
    values = {name: value for name, value in values.items() if name in fields}
    if hasattr(queryset, "_raw_update"):
        queryset._raw_update(**values)
    else:
        models.QuerySet.update(queryset, **values)


def erase_content(case_id: int) -> None:
    """Remove the case's personal content and its change history (in the caller's transaction)."""
    paths = {model: path for model, path, _values in CONTENT}
    for model in WITH_HISTORY:
        path = paths.get(model, "case_id")
        ids = list(_rows(model, path, case_id).values_list("pk", flat=True))
        model.history.model.objects.filter(**{model._meta.pk.attname + "__in": ids}).delete()  # type: ignore[attr-defined]
    for model, path, values in CONTENT:
        _update(_rows(model, path, case_id), values)
