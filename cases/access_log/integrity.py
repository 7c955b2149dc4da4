"""Proving the access log is whole: anchoring the chain's head outside the database, and verifying.

An anchor is the chain's head (row count, last id, last hash) at a moment, signed with the access
log's key and chained to the anchor before it. Each anchor is appended as one JSON line to
`settings.ACCESS_LOG_ANCHOR_FILE` (production: a write-once mount the database user cannot touch)
and also recorded in the security log. The key makes a rewritten row visible; the anchors make
missing newest rows and an emptied table visible. What no anchor covers yet (the rows since the
last one, at most an hour with the beat schedule) can be removed unseen.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from cases.access_log.models import HASH_KEYED, HASH_UNKEYED
from cases.access_log.services import (
    ENTRY_HASHES,
    GENESIS_HASH,
    HASHED_FIELDS,
    access_log_rows,
    keyed_digest,
)
from security.models import Outcome, SecurityAction, SecurityEvent
from security.services import security_event_record

_ANCHOR_PURPOSE = "access-log-anchor"
# `prev` of the first anchor line.
ANCHOR_GENESIS = "0" * 64
_ANCHOR_FIELDS = {"seq", "at", "rows", "last_id", "last_hash", "prev"}

# What verify reports, in plain words; `where` says which row or anchor.
ROW_CONTENT_CHANGED = "inhoud klopt niet met de hash: de regel is gewijzigd of de hash is zonder de sleutel herberekend"
ROW_LINK_BROKEN = "sluit niet aan op de regel ervoor: daartussen is een regel verwijderd, ingevoegd of gewijzigd"
ROW_VERSION_UNKNOWN = "heeft een onbekende hashversie ({version})"
ROW_UNKEYED_AFTER_KEYED = (
    "heeft de oude hash zonder sleutel na regels met sleutel: zo'n regel kan zonder de sleutel vervalst zijn"
)
ROW_UNKEYED_AFTER_ANCHOR = (
    "heeft de oude hash zonder sleutel maar is nieuwer dan ankerregel {seq} (sinds de ankers schrijft de "
    "toepassing alleen regels met sleutel): de regel is vervalst"
)
HEAD_TABLE_EMPTIED = (
    "het toegangslog is leeg, maar ankerregel {seq} legde {rows} regels vast tot en met regel {last_id}: "
    "de tabel is geleegd"
)
HEAD_ROWS_REMOVED = (
    "ankerregel {seq} legde {rows} regels vast tot en met regel {last_id}, maar het log houdt op bij regel "
    "{end_id} ({count} regels): de nieuwste regels zijn verwijderd"
)
HEAD_ROW_MISSING = "ontbreekt, maar ankerregel {seq} legde die vast als laatste regel: regels zijn verwijderd"
HEAD_HASH_DIFFERS = (
    "heeft een andere hash dan ankerregel {seq} vastlegde: deze regel of een regel ervoor is herschreven"
)
HEAD_COUNT_DIFFERS = (
    "ankerregel {seq} legde {rows} regels vast tot en met regel {last_id}, het log heeft er daar {count}: "
    "er zijn regels verwijderd of ingevoegd"
)
ANCHOR_UNREADABLE = "is geen leesbaar anker: het ankerbestand is beschadigd of bewerkt"
ANCHOR_SIGNATURE_BAD = "handtekening klopt niet: de ankerregel is gewijzigd (of met een andere sleutel geschreven)"
ANCHOR_LINK_BROKEN = "sluit niet aan op de ankerregel ervoor: daartussen is een ankerregel verwijderd of gewijzigd"
ANCHOR_SEQ_WRONG = "draagt volgnummer {found}, verwacht {expected}: ankerregels zijn verwijderd of verschoven"
EVENT_ANCHOR_MISSING = "anker {seq} staat niet in het ankerbestand: het bestand is ingekort, vervangen of verwijderd"
EVENT_ANCHOR_DIFFERS = "anker {seq} wijkt af van ankerregel {seq} in het ankerbestand: een van beide is vervalst"
EVENT_ANCHOR_SIGNATURE_BAD = "handtekening van anker {seq} klopt niet: de gebeurtenis is vervalst"
MORE_FINDINGS = "nog {count} bevindingen niet getoond"


@dataclass(frozen=True)
class Anchor:
    seq: int
    at: str
    rows: int
    last_id: int | None
    last_hash: str
    prev: str
    sig: str

    def payload(self) -> dict:
        return {
            "seq": self.seq,
            "at": self.at,
            "rows": self.rows,
            "last_id": self.last_id,
            "last_hash": self.last_hash,
            "prev": self.prev,
        }

    def line(self) -> str:
        return json.dumps({**self.payload(), "sig": self.sig}, sort_keys=True, separators=(",", ":"))


def _signature(payload: dict) -> str:
    return keyed_digest(_ANCHOR_PURPOSE, json.dumps(payload, sort_keys=True, separators=(",", ":")))


def _line_digest(line: str) -> str:
    return hashlib.sha256(line.encode()).hexdigest()


def _parse(data: object) -> Anchor | None:
    if not isinstance(data, dict) or set(data) != {*_ANCHOR_FIELDS, "sig"}:
        return None
    try:
        return Anchor(**data)
    except TypeError:
        return None


def _signed(anchor: Anchor) -> bool:
    return isinstance(anchor.sig, str) and anchor.sig == _signature(anchor.payload())


def anchor_file() -> Path:
    return Path(settings.ACCESS_LOG_ANCHOR_FILE)


def access_log_anchor() -> Anchor:
    """Append the chain's head to the anchor file and record it in the security log.

    Rows are appended under the chain lock and commit in id order, so the rows up to the last id
    are all there: counting them needs no lock. The file lock orders concurrent anchor writers."""
    last = access_log_rows().order_by("-id").values("id", "hash").first()
    last_id, last_hash = (last["id"], last["hash"]) if last else (None, GENESIS_HASH)
    rows = access_log_rows().filter(id__lte=last_id).count() if last else 0
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.seek(0)
        content = file.read()
        if content and not content.endswith("\n"):
            file.write("\n")  # a line cut short by a crash stays its own (unreadable) line
        lines = content.splitlines()
        prev = _line_digest(lines[-1]) if lines else ANCHOR_GENESIS
        unsigned = Anchor(
            seq=len(lines) + 1,
            at=timezone.now().isoformat(),
            rows=rows,
            last_id=last_id,
            last_hash=last_hash,
            prev=prev,
            sig="",
        )
        anchor = replace(unsigned, sig=_signature(unsigned.payload()))
        file.write(anchor.line() + "\n")
        file.flush()
        os.fsync(file.fileno())
    security_event_record(
        action=SecurityAction.ACCESS_LOG_ANCHORED,
        outcome=Outcome.SUCCESS,
        username="system",
        detail={**anchor.payload(), "sig": anchor.sig},
    )
    return anchor


@dataclass(frozen=True)
class Finding:
    where: str  # "regel 12" (a log row's id), "ankerregel 3" (a line of the anchor file), "beveiligingslog 7"
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _file_anchors() -> tuple[dict[int, Anchor], list[Finding]]:
    """The file's correctly signed anchors by seq, and what is wrong with its lines."""
    path = anchor_file()
    if not path.exists():
        return {}, []
    anchors: dict[int, Anchor] = {}
    findings: list[Finding] = []
    prev = ANCHOR_GENESIS
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"ankerregel {number}"
        try:
            anchor = _parse(json.loads(line))
        except ValueError:
            anchor = None
        if anchor is None:
            findings.append(Finding(where, ANCHOR_UNREADABLE))
        elif not _signed(anchor):
            findings.append(Finding(where, ANCHOR_SIGNATURE_BAD))
        else:
            if anchor.prev != prev:
                findings.append(Finding(where, ANCHOR_LINK_BROKEN))
            if anchor.seq != number:
                findings.append(Finding(where, ANCHOR_SEQ_WRONG.format(found=anchor.seq, expected=number)))
            anchors.setdefault(anchor.seq, anchor)
        prev = _line_digest(line)
    return anchors, findings


def _anchors() -> tuple[list[Anchor], list[Finding]]:
    """The correctly signed anchors by seq (the file's, checked line by line, and the security
    log's, checked against the file) and what is wrong with the others."""
    in_file, findings = _file_anchors()
    valid = dict(in_file)
    events = SecurityEvent.objects.filter(action=SecurityAction.ACCESS_LOG_ANCHORED).order_by("id")
    for event_id, detail in events.values_list("id", "detail").iterator():
        anchor = _parse(detail)
        where = f"beveiligingslog {event_id}"
        seq = detail.get("seq", "?") if isinstance(detail, dict) else "?"
        if anchor is None or not _signed(anchor):
            findings.append(Finding(where, EVENT_ANCHOR_SIGNATURE_BAD.format(seq=seq)))
        elif anchor.seq not in in_file:
            findings.append(Finding(where, EVENT_ANCHOR_MISSING.format(seq=anchor.seq)))
            valid.setdefault(anchor.seq, anchor)
        elif in_file[anchor.seq] != anchor:
            findings.append(Finding(where, EVENT_ANCHOR_DIFFERS.format(seq=anchor.seq)))
    return [valid[seq] for seq in sorted(valid)], findings


@dataclass
class Verification:
    findings: list[Finding]
    rows: int
    anchors: int  # correctly signed anchors (file and security log)
    newest_anchor: Anchor | None

    @property
    def intact(self) -> bool:
        return not self.findings


class _Collector:
    def __init__(self, limit: int) -> None:
        self.findings: list[Finding] = []
        self.limit = limit
        self.dropped = 0

    def add(self, where: str, what: str) -> None:
        if len(self.findings) < self.limit:
            self.findings.append(Finding(where, what))
        else:
            self.dropped += 1

    def result(self) -> list[Finding]:
        extra = [Finding("toegangslog", MORE_FINDINGS.format(count=self.dropped))] if self.dropped else []
        return self.findings + extra


def access_log_verify(*, batch_size: int = 5000, max_findings: int = 100) -> Verification:
    """Walk the chain and check it against the anchors; return every finding (empty: intact).

    Finds a row whose content does not match its hash (without the key no one can make them match),
    a broken link, an unkeyed row where only keyed rows can be, rows missing or an emptied table
    behind the newest anchor, and anchor lines that are damaged, unsigned, removed or replaced.
    The anchors are read before the rows: an anchor written meanwhile names no row the walk misses."""
    anchors, anchor_findings = _anchors()
    found = _Collector(max_findings)
    for finding in anchor_findings:
        found.add(finding.where, finding.what)
    newest = anchors[-1] if anchors else None
    # The newest anchor's last row, until the walk reaches it.
    head = newest if newest is not None and newest.last_id is not None else None
    head_id = head.last_id if head is not None and head.last_id is not None else 0
    # Since the first anchor only keyed rows are written: an unkeyed one after it is a forgery.
    keyed_after = ((anchors[0].last_id or 0), anchors[0].seq) if anchors else None

    prev_hash = GENESIS_HASH
    count = 0
    last_id = None
    seen_keyed = False
    fields = ("id", *HASHED_FIELDS, "subject_salt", "subject_digest", "hash_version", "prev_hash", "hash")
    rows: Iterator[dict] = access_log_rows().order_by("id").values(*fields).iterator(chunk_size=batch_size)
    for row in rows:
        where = f"regel {row['id']}"
        if head is not None and row["id"] > head_id:
            found.add(f"regel {head_id}", HEAD_ROW_MISSING.format(seq=head.seq))
            head = None
        count += 1
        last_id = row["id"]
        version = row["hash_version"]
        if row["prev_hash"] != prev_hash:
            found.add(where, ROW_LINK_BROKEN)
        if version not in ENTRY_HASHES:
            found.add(where, ROW_VERSION_UNKNOWN.format(version=version))
        elif ENTRY_HASHES[version](row, row["prev_hash"]) != row["hash"]:
            found.add(where, ROW_CONTENT_CHANGED)
        if version == HASH_UNKEYED and seen_keyed:
            found.add(where, ROW_UNKEYED_AFTER_KEYED)
        elif version == HASH_UNKEYED and keyed_after is not None and row["id"] > keyed_after[0]:
            found.add(where, ROW_UNKEYED_AFTER_ANCHOR.format(seq=keyed_after[1]))
        seen_keyed = seen_keyed or version == HASH_KEYED
        if head is not None and row["id"] == head_id:
            if row["hash"] != head.last_hash:
                found.add(where, HEAD_HASH_DIFFERS.format(seq=head.seq))
            if count != head.rows:
                found.add(
                    "toegangslog", HEAD_COUNT_DIFFERS.format(seq=head.seq, rows=head.rows, last_id=head_id, count=count)
                )
            head = None
        # Walk on from the stored hash: one changed row is one finding, not a broken rest of the chain.
        prev_hash = row["hash"]
    if head is not None:  # the walk ended before the newest anchor's last row
        values: dict[str, object] = {
            "seq": head.seq,
            "rows": head.rows,
            "last_id": head_id,
            "end_id": last_id,
            "count": count,
        }
        found.add("toegangslog", (HEAD_ROWS_REMOVED if count else HEAD_TABLE_EMPTIED).format(**values))
    return Verification(findings=found.result(), rows=count, anchors=len(anchors), newest_anchor=newest)
