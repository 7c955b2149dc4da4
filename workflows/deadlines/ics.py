"""The .ics feeds, written by hand (RFC 5545): a user's own deadlines, or a coordinator's team deadlines;
reference numbers, no names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from cases.access_log.models import AccessAction, AccessOutcome
from cases.access_log.services import access_log_write, access_log_write_many
from cases.selectors import actor_for, cases_visible_to
from partners.models import User
from partners.selectors import coordinated_team_ids
from workflows.deadlines.calendar import local_date
from workflows.deadlines.inbox import feed_token_hash
from workflows.deadlines.models import CalendarFeedToken, Deadline, DeadlineState, FeedScope

# A calendar app fetches the whole feed every time: a bound keeps a big team's feed small.
FEED_LIMIT = 1000


def fold(line: str) -> str:
    """RFC 5545: lines over 75 octets continue on the next line after a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


@dataclass(frozen=True)
class Feed:
    """A feed token that still works: whose it is and what it shows."""

    user: User
    scope: str


def feed_for(token: str) -> Feed | None:
    """The feed of a token, or None (unknown, revoked, or its user deactivated); only the hash is compared."""
    row = CalendarFeedToken.objects.select_related("user").filter(token_hash=feed_token_hash(token)).first()
    if row is None or not row.user.is_active:
        return None
    CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return Feed(user=row.user, scope=row.scope)


def feed_deadlines(feed: Feed) -> QuerySet[Deadline] | None:
    """The open deadlines a feed shows, decided at each fetch: the user's own ones in cases they may still
    see, or (team feed) every open deadline of the cases of the teams they coordinate now. None when the
    team feed's user no longer coordinates any team: the subscription has ended."""
    visible = cases_visible_to(feed.user)
    if feed.scope == FeedScope.TEAM:
        team_ids = coordinated_team_ids(feed.user)
        if not team_ids:
            return None
        scoped = Deadline.objects.filter(case__in=visible.filter(team_id__in=team_ids).values("pk"))
    else:
        scoped = Deadline.objects.filter(case__in=visible.values("pk"), responsible_user=feed.user)
    return (
        scoped.filter(state=DeadlineState.OPEN)
        .select_related("case")
        .only("id", "name", "due_at", "statutory", "case_id", "case__reference")
        .order_by("due_at", "id")[:FEED_LIMIT]
    )


def feed_read(feed: Feed, *, ip: str | None) -> list[Deadline] | None:
    """The feed's deadlines, logged: one access-log row per case the feed lists (a fetch that lists none
    leaves one search row); a team feed whose user coordinates no team any more is logged as refused and
    answers None."""
    detail = f"ics feed:{feed.scope}"
    actor = actor_for(feed.user, ip=ip)
    found = feed_deadlines(feed)
    if found is None:
        access_log_write(actor=actor, action=AccessAction.SEARCH, outcome=AccessOutcome.DENIED, detail=detail)
        return None
    deadlines = list(found)
    case_ids = list(dict.fromkeys(d.case_id for d in deadlines))
    if case_ids:
        access_log_write_many(
            actor=actor, action=AccessAction.READ, outcome=AccessOutcome.ALLOWED, case_ids=case_ids, detail=detail
        )
    else:
        access_log_write(actor=actor, action=AccessAction.SEARCH, outcome=AccessOutcome.ALLOWED, detail=detail)
    return deadlines


def _day(moment: datetime) -> str:
    return local_date(moment).strftime("%Y%m%d")


def calendar_feed(deadlines: Iterable[Deadline], *, host: str, name: str = "Termijnen") -> str:
    """VCALENDAR of these deadlines: each an all-day item on the local date it falls due (DTEND the next
    day, as RFC 5545 wants for VALUE=DATE), with a UID that stays the same at every fetch. Only the rule's
    name and the case reference: no names of families or professionals."""
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Veiligheidsteam//Termijnen//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        fold("X-WR-CALNAME:" + _escape(name)),
    ]
    for d in deadlines:
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{d.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(d.due_at)}",
            f"DTEND;VALUE=DATE:{(local_date(d.due_at) + timedelta(days=1)).strftime('%Y%m%d')}",
            "TRANSP:TRANSPARENT",
            fold("SUMMARY:" + _escape(f"{d.name} – {d.case.reference}")),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
