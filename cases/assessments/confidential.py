"""Contributions and joint judgements as one reader may see them ("dat, niet wat", cases.confidentiality).

What a reader without an item's class may not read never leaves the database: the content columns are
deferred and selected again through `shown` (NULL without the class), and the rows come back as model
instances whose content attributes hold those values. Who, when and which organisation stay.

What stays visible to everyone on the case (docs/confidentiality.md):
- a partner contribution: its organisation, author, moments and version numbers; its content (texts,
  score, classification, instrument outcomes) and a correction's reason follow its class;
- a joint judgement: the joint classification and score and whether parents and children were present
  (the team's decision), its recorder, moments and versions; the texts (rationale, what parents and
  children say) and an amendment's reason follow its class.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.db.models.query import ModelIterable

from cases.assessments.models import (
    CONTRIBUTION_CONTENT_FIELDS,
    JointJudgement,
    JointJudgementVersion,
    PartnerContribution,
    PartnerContributionVersion,
)
from cases.confidentiality import shown, with_readable

# The columns a reader without the class gets as NULL.
CONTRIBUTION_CLASSED_FIELDS = tuple(name for name in CONTRIBUTION_CONTENT_FIELDS if name != "confidentiality")
JUDGEMENT_TEXT_FIELDS = ("rationale", "parents_view", "children_view")
# A correction's or amendment's reason says what changed in the content.
VERSION_REASON = ("reason",)

SHOWN = "shown__"


def without_judgement_texts(prefix: str = "judgement") -> tuple[str, ...]:
    """For `.defer(...)`: a page that shows a judgement's decision only (classification, score) never
    loads its texts (the meeting view, the decisions of a meeting)."""
    return tuple(f"{prefix}__{name}" for name in JUDGEMENT_TEXT_FIELDS)


class ShownIterable(ModelIterable):
    """Model instances with every `shown__<path>` annotation put in the place of the (deferred) field it
    stands for: `shown__rationale` on the row itself, `shown__judgement__rationale` on its select_related
    judgement. Also `readable` for the related row."""

    def __iter__(self):
        paths = [
            (name, name[len(SHOWN) :].split("__")) for name in self.queryset.query.annotations if name.startswith(SHOWN)
        ]
        for obj in super().__iter__():
            for name, path in paths:
                value = obj.__dict__.pop(name)
                target = obj
                for step in path[:-1]:
                    target = getattr(target, step, None)  # a missing one-to-one row: nothing to fill
                    if target is None:
                        break
                if target is not None:
                    target.__dict__[path[-1]] = value
            yield obj


def _shown_rows(queryset: QuerySet, user, fields: tuple[str, ...], prefix: str = "", **columns: str) -> QuerySet:
    related = f"{prefix}__" if prefix else ""
    rows = with_readable(queryset, user, **columns).defer(*(related + name for name in fields))
    annotations: dict[str, Any] = {SHOWN + related + name: shown(related + name) for name in fields}
    if prefix:
        annotations[f"{SHOWN}{related}readable"] = F("readable")
    rows = rows.annotate(**annotations)
    rows._iterable_class = ShownIterable  # the one hook Django offers to shape rows as they load
    return rows


def contributions_shown(user, queryset: QuerySet[PartnerContribution] | None = None) -> QuerySet[PartnerContribution]:
    """Contributions with `readable` and their content as `user` may see it (None without the class).
    `user` None: as anyone on the case sees them (only gedeeld content), for the meeting's minutes."""
    queryset = PartnerContribution.objects.all() if queryset is None else queryset
    return _shown_rows(queryset, user, CONTRIBUTION_CLASSED_FIELDS, case="assessment__case_id")


def contribution_versions_shown(
    user, queryset: QuerySet[PartnerContributionVersion] | None = None
) -> QuerySet[PartnerContributionVersion]:
    """Versions of contributions, each by its own class (a correction may change it)."""
    queryset = PartnerContributionVersion.objects.all() if queryset is None else queryset
    return _shown_rows(
        queryset,
        user,
        CONTRIBUTION_CLASSED_FIELDS + VERSION_REASON,
        case="contribution__assessment__case_id",
        organisation="contribution__organisation_id",
    )


def judgements_shown(user, queryset: QuerySet[JointJudgement] | None = None) -> QuerySet[JointJudgement]:
    """Joint judgements with `readable` and their texts as `user` may see them (None without the class)."""
    queryset = JointJudgement.objects.all() if queryset is None else queryset
    return _shown_rows(queryset, user, JUDGEMENT_TEXT_FIELDS, case="assessment__case_id")


def judgement_versions_shown(
    user, queryset: QuerySet[JointJudgementVersion] | None = None
) -> QuerySet[JointJudgementVersion]:
    """Versions of joint judgements, each by its own class and recording organisation."""
    queryset = JointJudgementVersion.objects.all() if queryset is None else queryset
    return _shown_rows(queryset, user, JUDGEMENT_TEXT_FIELDS + VERSION_REASON, case="judgement__assessment__case_id")


def with_judgement_shown(user, assessments: QuerySet) -> QuerySet:
    """Assessment rounds with their joint judgement in the same query (select_related), its texts as
    `user` may see them and `judgement.readable`."""
    return _shown_rows(
        assessments.select_related("judgement"),
        user,
        JUDGEMENT_TEXT_FIELDS,
        prefix="judgement",
        case="case_id",
        organisation="judgement__organisation_id",
        field="judgement__confidentiality",
    )


def judgement_as_read_by(user, judgement_id: int) -> JointJudgement:
    """One joint judgement as `user` reads it, for an answer that shows the record as it is now (a
    conflict, a judgement recorded already)."""
    return judgements_shown(user, JointJudgement.objects.filter(pk=judgement_id)).select_related("assessment").get()
