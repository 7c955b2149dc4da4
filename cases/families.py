"""One case per family (één gezin, één plan, één regisseur): before a case is opened or a person
added, look for a case of the same family anywhere in the region, by a BSN or by family name and a
date of birth, and warn with whom to talk.

This is a read across cases the user may not see, on purpose: it answers only who coordinates the
team of each match and the team's name, never the case's reference, names or dates. Every lookup is
written to the access log with the matched cases' ids (the privacy officer of their team sees it) and
the query pseudonymised with the log's key, never the BSN or name itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_write, access_log_write_many, keyed_digest
from cases.models import Case, Person
from cases.selectors import actor_for
from partners.models import Membership, Role

# The form field (and API field) that confirms opening or adding anyway.
FAMILY_CONFIRM_FIELD = "confirm_family"
FAMILY_EXISTS = gettext_lazy("Er is al een casus voor dit gezin; de coördinator is %(coordinators)s.")
FAMILY_EXISTS_CONFIRM = gettext_lazy(
    "Overleg eerst met de coördinator. Is dit toch een ander gezin of een nieuwe casus nodig, "
    "bevestig dan dat u toch doorgaat."
)
NO_COORDINATOR = gettext_lazy("onbekend (het team heeft geen coördinator)")
# Words people put before a family name ("gezin De Vries"): the same family with or without them.
_FAMILY_WORDS = re.compile(r"^(gezin|familie|fam\.?|huishouden)\s+", re.IGNORECASE)
# A family's match may show at most this many teams; more would say nothing more useful.
MAX_MATCHES = 10


@dataclass(frozen=True)
class FamilyMatch:
    """What a match may show: the team and who coordinates it. The case id is for the log only."""

    case_id: int
    team_name: str
    coordinators: tuple[str, ...]

    def describe(self) -> str:
        names = ", ".join(self.coordinators) or str(NO_COORDINATOR)
        return _("%(names)s (%(team)s)") % {"names": names, "team": self.team_name}


class FamilyExists(ValidationError):
    """A case for this family exists already: shown as a warning the user must confirm to go on."""

    def __init__(self, matches: list[FamilyMatch]):
        self.matches = matches
        described = "; ".join(dict.fromkeys(match.describe() for match in matches))
        message = f"{FAMILY_EXISTS % {'coordinators': described}} {FAMILY_EXISTS_CONFIRM}"
        super().__init__({FAMILY_CONFIRM_FIELD: [ValidationError(message, code="family_exists")]})


def family_core(name: str) -> str:
    """The family name without "gezin"/"familie" and extra spaces: what two spellings share."""
    return _FAMILY_WORDS.sub("", " ".join(name.split())).strip()


def family_matches(
    *, bsn: str = "", family_name: str = "", date_of_birth: date | None = None, exclude_case_id: int | None = None
) -> list[FamilyMatch]:
    """Cases in the region (any team) with a current person of this BSN, or of this family name with
    a current person born on this date. Two queries, whatever the data size."""
    conditions = Q()
    if bsn:
        conditions |= Q(Exists(Person.objects.current().filter(case=OuterRef("pk"), bsn=bsn)))
    core = family_core(family_name)
    if core and date_of_birth is not None:
        spellings = Q(family_name__iexact=core)
        for word in ("gezin", "familie"):
            spellings |= Q(family_name__iexact=f"{word} {core}")
        born = Person.objects.current().filter(case=OuterRef("pk"), date_of_birth=date_of_birth)
        conditions |= spellings & Q(Exists(born))
    if not conditions:
        return []
    cases = Case.objects.filter(conditions)  # deliberately across teams: only team and coordinator leave here
    if exclude_case_id is not None:
        cases = cases.exclude(pk=exclude_case_id)
    found = list(cases.order_by("-opened_at", "-id").values_list("pk", "team_id", "team__name")[:MAX_MATCHES])
    if not found:
        return []
    coordinators: dict[int, list[str]] = {}
    rows = (
        Membership.objects.active()
        .filter(team_id__in={team_id for _, team_id, _ in found}, role=Role.COORDINATOR, user__is_active=True)
        .order_by("user__full_name", "user__username")
        .values_list("team_id", "user__full_name", "user__username")
    )
    for team_id, full_name, username in rows:
        names = coordinators.setdefault(team_id, [])
        if (full_name or username) not in names:
            names.append(full_name or username)
    return [
        FamilyMatch(case_id=case_id, team_name=team_name, coordinators=tuple(coordinators.get(team_id, ())))
        for case_id, team_id, team_name in found
    ]


def _query_digest(bsn: str, family_name: str, date_of_birth: date | None) -> str:
    """The lookup, pseudonymised with the access log's key: the same query gives the same digest, so
    a privacy officer can see repeats, but the log holds no BSN, name or date."""
    query = f"{bsn}|{family_core(family_name).casefold()}|{date_of_birth.isoformat() if date_of_birth else ''}"
    return keyed_digest("family-check", query)[:32]


def family_check(
    *,
    actor,
    ip: str | None = None,
    context: str,
    bsn: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    exclude_case_id: int | None = None,
    confirmed: bool = False,
) -> list[FamilyMatch]:
    """Look for another case of this family (logged, see the module docstring) and raise FamilyExists
    unless the user `confirmed` going on anyway. Returns the matches (empty when there are none or
    nothing to look for). `context` names where the lookup was made ("case:open", "person:add")."""
    by = "+".join(part for part, given in (("bsn", bsn), ("name+dob", family_name and date_of_birth)) if given)
    if not by:
        return []
    matches = family_matches(
        bsn=bsn, family_name=family_name, date_of_birth=date_of_birth, exclude_case_id=exclude_case_id
    )
    detail = (
        f"family-check:{context};by={by};q={_query_digest(bsn, family_name, date_of_birth)};"
        f"hits={len(matches)};confirmed={'yes' if confirmed else 'no'}"
    )
    who = actor_for(actor, ip=ip)
    if matches:
        access_log_write_many(
            actor=who,
            action=AccessAction.SEARCH,
            outcome=AccessOutcome.ALLOWED,
            case_ids=[match.case_id for match in matches],
            detail=detail,
        )
        if not confirmed:
            raise FamilyExists(matches)
    else:
        access_log_write(actor=who, action=AccessAction.SEARCH, outcome=AccessOutcome.ALLOWED, detail=detail)
    return matches
