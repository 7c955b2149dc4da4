"""The .ics feed of a user's deadlines, written by hand (RFC 5545): reference numbers, no names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from cases.selectors import cases_visible_to
from workflows.deadlines.inbox import feed_token_hash
from workflows.deadlines.models import CalendarFeedToken, Deadline, DeadlineState


def fold(line: str) -> str:
    """RFC 5545: lines over 75 octets continue on the next line after a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, current = [], b""
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


def feed_user(token: str):
    """The user of a feed token, or None; only the token's hash is compared."""
    row = CalendarFeedToken.objects.select_related("user").filter(token_hash=feed_token_hash(token)).first()
    if row is None or not row.user.is_active:
        return None
    CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user


def calendar_feed(user, *, host: str) -> str:
    """VCALENDAR with the user's open deadlines in cases they may still see."""
    deadlines = (
        Deadline.objects.filter(
            case__in=cases_visible_to(user).values("pk"), state=DeadlineState.OPEN, responsible_user=user
        )
        .select_related("case")
        .order_by("due_at", "id")[:1000]
    )
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Veiligheidsteam//Termijnen//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Termijnen",
    ]
    for d in deadlines:
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{d.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(d.due_at - timedelta(minutes=30))}",
            f"DTEND:{_utc(d.due_at)}",
            fold("SUMMARY:" + _escape(f"{d.name} – {d.case.reference}")),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
