"""Semantic checks of case-v1 documents that the schema cannot express: the team, municipality,
organisations and people exist and belong together, BSNs pass the 11-proof, dates are real, not in
the future and in order. Lookups are batched for a whole file (`Directory`), so validating N
documents costs a handful of queries, not N.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.documents.measures import MEASURE_CHILD_NOT_ON_CASE, MEASURE_END_BEFORE_START, MEASURE_ENDED_BEFORE_START
from cases.interventions.services import DUE_BEFORE_START
from cases.services import PARTICIPANT_NOT_WORKING, TEAM_DOES_NOT_SERVE
from cases.validators import DATE_OUT_OF_RANGE, bsn_is_valid, date_in_range
from exchange.format import Problem, parse_date, parse_moment
from partners.models import WORKING_ROLES, Membership, Municipality, Organisation, Role, SafetyTeam, User


class Directory:
    """Teams, municipalities, organisations, users and active memberships, loaded once per batch."""

    def __init__(self, documents: Iterable[dict], *, team_name: str | None = None):
        documents = [d for d in documents if isinstance(d, dict)]
        team_names = {team_name} if team_name else {d.get("team") for d in documents if isinstance(d.get("team"), str)}
        self.teams = {t.name: t for t in SafetyTeam.objects.filter(name__in=team_names)}
        served = SafetyTeam.municipalities.through.objects.filter(safetyteam__in=self.teams.values())
        self.served = {(row.safetyteam_id, row.municipality_id) for row in served}
        members = SafetyTeam.organisations.through.objects.filter(safetyteam__in=self.teams.values())
        self.team_organisations = {(row.safetyteam_id, row.organisation_id) for row in members}
        self.municipalities: dict[str, Municipality] = {}
        for municipality in Municipality.objects.all():
            self.municipalities[municipality.code.upper()] = municipality
            self.municipalities[municipality.name.casefold()] = municipality
        self.organisations = {o.name: o for o in Organisation.objects.filter(is_active=True)}
        usernames: set[str] = set()
        for document in documents:
            _collect_usernames(document, usernames)
        self.users = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
        # (user id, team id) -> {(organisation id, role)}
        self.memberships: dict[tuple[int, int], set[tuple[int, str]]] = defaultdict(set)
        rows = Membership.objects.active().filter(team__in=self.teams.values(), user__in=self.users.values())
        for user_id, team_id, organisation_id, role in rows.values_list(
            "user_id", "team_id", "organisation_id", "role"
        ):
            self.memberships[(user_id, team_id)].add((organisation_id, role))

    def municipality(self, value: str) -> Municipality | None:
        return self.municipalities.get(value.upper()) or self.municipalities.get(value.casefold())

    def is_member(
        self, user: User, team: SafetyTeam, *, organisation: Organisation | None = None, roles=WORKING_ROLES
    ) -> bool:
        return any(
            role in roles and (organisation is None or org_id == organisation.pk)
            for org_id, role in self.memberships.get((user.pk, team.pk), ())
        )


def _collect_usernames(value, into: set[str]) -> None:
    """Every username the document names (values of the fields that hold one)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in {
                "by",
                "opened_by",
                "vast_gezicht",
                "professional",
                "owner",
                "responsible_professional",
                "chair",
                "username",
            } and isinstance(item, str):
                into.add(item)
            else:
                _collect_usernames(item, into)
    elif isinstance(value, list):
        for item in value:
            _collect_usernames(item, into)


class Checker:
    """Collects the problems of one document; resolved objects are kept for the import."""

    def __init__(self, document: dict, directory: Directory, *, team_name: str | None = None):
        self.doc = document
        self.dir = directory
        self.problems: list[Problem] = []
        self.now = timezone.now()
        self.team: SafetyTeam | None = None
        self.team_name = team_name or document.get("team")
        self.opened_at: datetime | None = None

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    # --- value helpers: each reports its own problem and returns None when it cannot go on ---

    def moment(self, value, where: str, *, not_before: datetime | None = None, after_what: str = "") -> datetime | None:
        if value is None:
            return None
        try:
            moment = parse_moment(value)
        except (TypeError, ValueError):
            self.fail(where, _("Geen geldig tijdstip: gebruik ISO 8601 met tijdzone."))
            return None
        if not date_in_range(moment):
            self.fail(where, str(DATE_OUT_OF_RANGE))
            return None
        if moment > self.now:
            self.fail(where, _("Dit tijdstip ligt in de toekomst."))
        elif not_before is not None and moment < not_before:
            self.fail(where, _("Dit tijdstip ligt vóór %(what)s.") % {"what": after_what})
        return moment

    def day(self, value, where: str, *, future_ok: bool = False) -> date | None:
        if value is None:
            return None
        try:
            day = parse_date(value)
        except (TypeError, ValueError):
            self.fail(where, _("Geen geldige datum: gebruik JJJJ-MM-DD."))
            return None
        if not date_in_range(day):
            self.fail(where, str(DATE_OUT_OF_RANGE))
            return None
        if not future_ok and day > timezone.localdate(self.now):
            self.fail(where, _("Deze datum ligt in de toekomst."))
        return day

    def organisation(self, name, where: str, *, in_team: bool = True) -> Organisation | None:
        organisation = self.dir.organisations.get(name)
        if organisation is None:
            self.fail(where, _("Onbekende organisatie: %(name)s.") % {"name": name})
        elif in_team and self.team is not None and (self.team.pk, organisation.pk) not in self.dir.team_organisations:
            self.fail(where, _("%(name)s is geen lidorganisatie van het veiligheidsteam.") % {"name": name})
            return None
        return organisation

    def member(
        self,
        username,
        where: str,
        *,
        organisation: Organisation | None = None,
        roles=WORKING_ROLES,
        message: str | None = None,
    ) -> User | None:
        user = self.dir.users.get(username)
        if user is None:
            self.fail(where, _("Onbekende of niet-actieve gebruiker: %(name)s.") % {"name": username})
            return None
        if self.team is None:
            return user
        if not self.dir.is_member(user, self.team, organisation=organisation, roles=roles):
            if message is None and organisation is not None:
                message = _("%(user)s werkt niet voor %(organisation)s in dit veiligheidsteam.") % {
                    "user": username,
                    "organisation": organisation.name,
                }
            elif message is None and roles == (Role.COORDINATOR,):
                message = _("%(user)s is geen coördinator van dit veiligheidsteam.") % {"user": username}
            elif message is None:
                message = _("%(user)s is geen lid van dit veiligheidsteam.") % {"user": username}
            self.fail(where, message)
            return None
        return user

    # --- the document ---

    def check(self) -> list[Problem]:
        doc = self.doc
        self.team = self.dir.teams.get(self.team_name) if self.team_name else None
        if self.team is None:
            where = "/team" if "team" in doc else ""
            message = (
                _("Onbekend veiligheidsteam: %(name)s.") % {"name": self.team_name}
                if self.team_name
                else _("Geen veiligheidsteam: noem het in het document of bij de import.")
            )
            self.fail(where, message)
        municipality = self.dir.municipality(doc["municipality"])
        if municipality is None:
            self.fail(
                "/municipality", _("Onbekende gemeente (CBS-code of naam): %(value)s.") % {"value": doc["municipality"]}
            )
        elif self.team is not None and (self.team.pk, municipality.pk) not in self.dir.served:
            self.fail("/municipality", str(TEAM_DOES_NOT_SERVE))
        self.organisation(doc["source_organisation"], "/source_organisation", in_team=False)
        reported_on = self.day(doc["reported_on"], "/reported_on")
        self.opened_at = self.moment(doc["opened_at"], "/opened_at")
        if reported_on and self.opened_at and reported_on > timezone.localdate(self.opened_at):
            self.fail("/reported_on", _("De melding kan niet na het openen van de casus liggen."))
        self.member(doc["opened_by"], "/opened_by")
        if doc.get("vast_gezicht"):
            self.member(doc["vast_gezicht"], "/vast_gezicht")
        self.check_persons()
        self.check_participants()
        meeting_keys = self.check_meetings()
        self.check_status_history()
        self.check_assessments(meeting_keys)
        self.check_interventions(meeting_keys)
        self.check_vast_gezicht_assignments()
        self.check_investigations()
        self.check_destruction_requests()
        self.check_measures()
        self.check_safety_plans()
        return self.problems

    def check_persons(self) -> None:
        keys = set()
        for i, person in enumerate(self.doc.get("persons", [])):
            where = f"/persons/{i}"
            if person["key"] in keys:
                self.fail(f"{where}/key", _("Deze sleutel komt al eerder voor in het document."))
            keys.add(person["key"])
            if person.get("date_of_birth"):
                self.day(person["date_of_birth"], f"{where}/date_of_birth")
            bsn = person.get("bsn", "")
            if bsn and not bsn_is_valid(bsn):
                self.fail(
                    f"{where}/bsn", _("Dit is geen geldig BSN: het moet 9 cijfers hebben en voldoen aan de elfproef.")
                )

    def check_participants(self) -> None:
        opened = self.opened_at
        for i, participant in enumerate(self.doc.get("participants", [])):
            where = f"/participants/{i}"
            organisation = self.organisation(participant["organisation"], f"{where}/organisation")
            if organisation is not None:
                # The service's own rule and message (cases.services.participant_add).
                self.member(
                    participant["professional"],
                    f"{where}/professional",
                    organisation=organisation,
                    message=str(PARTICIPANT_NOT_WORKING),
                )
            since = self.moment(
                participant["since"], f"{where}/since", not_before=opened, after_what=_("het openen van de casus")
            )
            self.moment(participant.get("until"), f"{where}/until", not_before=since, after_what=_("de start"))

    def check_meetings(self) -> set[str]:
        keys: set[str] = set()
        for i, meeting in enumerate(self.doc.get("meetings", [])):
            where = f"/meetings/{i}"
            if meeting["key"] in keys:
                self.fail(f"{where}/key", _("Deze sleutel komt al eerder voor in het document."))
            keys.add(meeting["key"])
            self.moment(meeting["scheduled_at"], f"{where}/scheduled_at")
            self.member(meeting["chair"], f"{where}/chair")
            self.member(meeting["by"], f"{where}/by", roles=(Role.COORDINATOR,))
            for j, attendee in enumerate(meeting.get("attendees", [])):
                organisation = self.organisation(attendee["organisation"], f"{where}/attendees/{j}/organisation")
                if organisation is not None:
                    self.member(attendee["username"], f"{where}/attendees/{j}/username", organisation=organisation)
            self.moment(
                meeting.get("discussed_at"),
                f"{where}/discussed_at",
                not_before=self.opened_at,
                after_what=_("het openen van de casus"),
            )
        return keys

    def check_meeting_ref(self, value, where: str, keys: set[str]) -> None:
        if value is not None and value not in keys:
            self.fail(where, _("Er is geen overleg met deze sleutel in het document."))

    def check_status_history(self) -> None:
        for i, event in enumerate(self.doc.get("status_history", [])):
            where = f"/status_history/{i}"
            self.moment(event["at"], f"{where}/at", not_before=self.opened_at, after_what=_("het openen van de casus"))
            self.member(event["by"], f"{where}/by")

    def check_assessments(self, meeting_keys: set[str]) -> None:
        for i, assessment in enumerate(self.doc.get("assessments", [])):
            where = f"/assessments/{i}"
            started = self.moment(
                assessment["started_at"],
                f"{where}/started_at",
                not_before=self.opened_at,
                after_what=_("het openen van de casus"),
            )
            self.member(assessment["by"], f"{where}/by")
            after_start = _("de start van de beoordelingsronde")
            for j, contribution in enumerate(assessment.get("contributions", [])):
                cwhere = f"{where}/contributions/{j}"
                self.moment(contribution["at"], f"{cwhere}/at", not_before=started, after_what=after_start)
                organisation = self.organisation(contribution["organisation"], f"{cwhere}/organisation")
                if organisation is not None:
                    self.member(contribution["by"], f"{cwhere}/by", organisation=organisation)
            judgement = assessment.get("judgement")
            if not judgement:
                continue
            jwhere = f"{where}/judgement"
            judged = self.moment(judgement["at"], f"{jwhere}/at", not_before=started, after_what=after_start)
            self.member(judgement["by"], f"{jwhere}/by")
            self.check_meeting_ref(judgement.get("meeting"), f"{jwhere}/meeting", meeting_keys)
            for k, dissent in enumerate(judgement.get("dissents", [])):
                dwhere = f"{jwhere}/dissents/{k}"
                self.organisation(dissent["organisation"], f"{dwhere}/organisation")
                self.moment(
                    dissent.get("at"), f"{dwhere}/at", not_before=judged, after_what=_("het gezamenlijk oordeel")
                )
                if dissent.get("by"):
                    self.member(dissent["by"], f"{dwhere}/by")
            for k, condition in enumerate(judgement.get("conditions", [])):
                self.check_condition(condition, f"{jwhere}/conditions/{k}", judged, meeting_keys)

    def check_condition(self, condition: dict, where: str, judged: datetime | None, meeting_keys: set[str]) -> None:
        organisation = self.organisation(condition["owner_organisation"], f"{where}/owner_organisation")
        if organisation is not None:
            self.member(condition["owner"], f"{where}/owner", organisation=organisation)
        agreed = self.moment(
            condition.get("agreed_at"), f"{where}/agreed_at", not_before=judged, after_what=_("het gezamenlijk oordeel")
        )
        agreed = agreed or judged
        check_date = self.day(condition["check_date"], f"{where}/check_date", future_ok=True)
        if check_date and agreed and check_date < timezone.localdate(agreed):
            self.fail(f"{where}/check_date", _("De controledatum ligt vóór de datum van de afspraak."))
        if condition.get("by"):
            self.member(condition["by"], f"{where}/by")
        self.check_meeting_ref(condition.get("meeting"), f"{where}/meeting", meeting_keys)
        check = condition.get("check")
        if check:
            self.moment(check["at"], f"{where}/check/at", not_before=agreed, after_what=_("de afspraak"))
            self.member(check["by"], f"{where}/check/by")

    def check_interventions(self, meeting_keys: set[str]) -> None:
        for i, intervention in enumerate(self.doc.get("interventions", [])):
            where = f"/interventions/{i}"
            organisation = self.organisation(
                intervention["responsible_organisation"], f"{where}/responsible_organisation"
            )
            if organisation is not None:
                self.member(
                    intervention["responsible_professional"],
                    f"{where}/responsible_professional",
                    organisation=organisation,
                )
            for j, name in enumerate(intervention.get("agreed_by", [])):
                self.organisation(name, f"{where}/agreed_by/{j}")
            self.member(intervention["by"], f"{where}/by")
            self.check_meeting_ref(intervention.get("meeting"), f"{where}/meeting", meeting_keys)
            agreed = self.moment(
                intervention["agreed_at"],
                f"{where}/agreed_at",
                not_before=self.opened_at,
                after_what=_("het openen van de casus"),
            )
            start = self.day(intervention["start_date"], f"{where}/start_date", future_ok=True)
            due = self.day(intervention["due_date"], f"{where}/due_date", future_ok=True)
            if start and due and due < start:
                self.fail(f"{where}/due_date", str(DUE_BEFORE_START))
            started = None
            if intervention.get("started"):
                started = self.moment(
                    intervention["started"]["at"], f"{where}/started/at", not_before=agreed, after_what=_("de afspraak")
                )
                self.member(intervention["started"]["by"], f"{where}/started/by")
            if intervention.get("ended"):
                ended = intervention["ended"]
                if ended["status"] == "afgerond" and not intervention.get("started"):
                    self.fail(
                        f"{where}/ended/status",
                        _("Inzet die niet is gestart kan niet afgerond zijn; gebruik 'gestopt'."),
                    )
                self.moment(ended["at"], f"{where}/ended/at", not_before=started or agreed, after_what=_("de start"))
                self.member(ended["by"], f"{where}/ended/by")

    def check_vast_gezicht_assignments(self) -> None:
        if "vast_gezicht_assignments" not in self.doc:
            return
        previous = self.opened_at
        assignments = self.doc["vast_gezicht_assignments"]
        for i, assignment in enumerate(assignments):
            where = f"/vast_gezicht_assignments/{i}"
            at = self.moment(
                assignment["at"], f"{where}/at", not_before=previous, after_what=_("het openen of de vorige toewijzing")
            )
            previous = at or previous
            self.member(assignment["by"], f"{where}/by")
            if assignment["vast_gezicht"]:
                self.member(assignment["vast_gezicht"], f"{where}/vast_gezicht")
        last = assignments[-1]["vast_gezicht"] if assignments else None
        if last != self.doc.get("vast_gezicht"):
            self.fail("/vast_gezicht", _("Het vaste gezicht moet dat van de laatste toewijzing zijn."))

    def check_investigations(self) -> None:
        # The services check the days (not before the melding or verzoek, one running at a time).
        kinds = {"vt": "veilig_thuis", "rvdk": "rvdk"}
        for i, investigation in enumerate(self.doc.get("investigations", [])):
            where = f"/investigations/{i}"
            organisation = self.organisation(investigation["organisation"], f"{where}/organisation")
            if organisation is not None and organisation.kind != kinds[investigation["kind"]]:
                self.fail(f"{where}/organisation", _("Dit onderzoek hoort niet bij deze organisatie."))
                organisation = None
            started = self.moment(investigation["started"]["at"], f"{where}/started/at")
            self.member(investigation["started"]["by"], f"{where}/started/by", organisation=organisation)
            if investigation.get("ended"):
                self.moment(
                    investigation["ended"]["at"], f"{where}/ended/at", not_before=started, after_what=_("de start")
                )
                self.member(investigation["ended"]["by"], f"{where}/ended/by", organisation=organisation)

    def check_destruction_requests(self) -> None:
        keys = {person["key"] for person in self.doc.get("persons", [])}
        for i, request in enumerate(self.doc.get("destruction_requests", [])):
            where = f"/destruction_requests/{i}"
            self.moment(request["at"], f"{where}/at")
            self.member(request["by"], f"{where}/by")
            if request["requested_by"] not in keys:
                self.fail(f"{where}/requested_by", _("Er is geen persoon met deze sleutel in het document."))

    def check_measures(self) -> None:
        # The services check the rest (an open case, the organisation that ends it, the days).
        children = {p["key"] for p in self.doc.get("persons", []) if p.get("role") == "jeugdige"}
        for i, measure in enumerate(self.doc.get("measures", [])):
            where = f"/measures/{i}"
            if measure["child"] not in children:
                self.fail(f"{where}/child", str(MEASURE_CHILD_NOT_ON_CASE))
            organisation = self.organisation(measure["organisation"], f"{where}/organisation")
            self.day(measure["decided_on"], f"{where}/decided_on")
            starts_on = self.day(measure["starts_on"], f"{where}/starts_on", future_ok=True)
            planned_end = self.day(measure.get("planned_end"), f"{where}/planned_end", future_ok=True)
            if starts_on and planned_end and planned_end < starts_on:
                self.fail(f"{where}/planned_end", str(MEASURE_END_BEFORE_START))
            recorded = self.moment(measure["recorded"]["at"], f"{where}/recorded/at")
            self.member(measure["recorded"]["by"], f"{where}/recorded/by", organisation=organisation)
            ended = measure.get("ended")
            if ended:
                self.moment(ended["at"], f"{where}/ended/at", not_before=recorded, after_what=_("het vastleggen"))
                self.member(ended["by"], f"{where}/ended/by", organisation=organisation)
                on = self.day(ended["on"], f"{where}/ended/on")
                if on and starts_on and on < starts_on:
                    self.fail(f"{where}/ended/on", str(MEASURE_ENDED_BEFORE_START))

    def check_safety_plans(self) -> None:
        """Versions numbered 1, 2, … in time order; every person key, condition and intervention they
        name is in the document; whoever recorded them works in the team (the services check the rest)."""
        keys = {person["key"] for person in self.doc.get("persons", [])}
        pointers = {f"/interventions/{i}" for i in range(len(self.doc.get("interventions", [])))}
        for i, assessment in enumerate(self.doc.get("assessments", [])):
            judgement = assessment.get("judgement") or {}
            pointers |= {
                f"/assessments/{i}/judgement/conditions/{k}" for k in range(len(judgement.get("conditions", [])))
            }
        for i, plan in enumerate(self.doc.get("safety_plans", [])):
            before = None
            for j, version in enumerate(plan["versions"]):
                where = f"/safety_plans/{i}/versions/{j}"
                if version["number"] != j + 1:
                    self.fail(f"{where}/number", _("De versies van een plan zijn 1, 2, 3 … in volgorde."))
                before = self.moment(version["at"], f"{where}/at", not_before=before, after_what=_("de vorige versie"))
                self.member(version["by"], f"{where}/by")
                self.day(version["evaluation_on"], f"{where}/evaluation_on", future_ok=True)
                for k, commitment in enumerate(version["commitments"]):
                    if commitment["person"] not in keys:
                        self.fail(
                            f"{where}/commitments/{k}/person", _("Er is geen persoon met deze sleutel in het document.")
                        )
                for name in ("conditions", "interventions"):
                    for k, pointer in enumerate(version.get(name, [])):
                        if pointer not in pointers:
                            self.fail(f"{where}/{name}/{k}", _("Dit verwijst naar niets in het document."))
                for k, agreement in enumerate(version.get("agreements", [])):
                    awhere = f"{where}/agreements/{k}"
                    self.moment(agreement["at"], f"{awhere}/at")
                    self.member(agreement["by"], f"{awhere}/by")
                    self.day(agreement["agreed_on"], f"{awhere}/agreed_on")
                    if agreement.get("person") and agreement["person"] not in keys:
                        self.fail(f"{awhere}/person", _("Er is geen persoon met deze sleutel in het document."))
                    if agreement.get("organisation"):
                        self.organisation(agreement["organisation"], f"{awhere}/organisation")
