"""Every demo case round-trips: `seed_demo --cases 200`, `export_cases` of all of them, the exported
cases deleted (an empty region), `import_cases` accepts every record, and a second export is the
same file. The bulk seeder writes only what the services accept."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from django.core.management import call_command

from cases.assessments.models import Veiligheidsvoorwaarde
from cases.models import Case, CaseStatus, EventKind, TimelineEvent
from exchange.importer import import_cases, read_lines
from workflows.meetings.models import MeetingDecision

COUNT = 200


def _export_all(tmp_path, name: str) -> list[dict]:
    """`export_cases` of every demo case, each as the professional who opened it (need-to-know)."""
    by_opener = defaultdict(list)
    for reference, opener in Case.objects.filter(external_reference__startswith="DEMO-").values_list(
        "external_reference", "created_by__username"
    ):
        by_opener[opener].append(reference)
    documents = []
    for opener, references in sorted(by_opener.items()):
        out = tmp_path / f"{name}-{opener}.jsonl"
        arguments = [arg for reference in references for arg in ("--case", reference)]
        call_command("export_cases", *arguments, "--as", opener, "--out", str(out))
        documents += [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return sorted(documents, key=lambda doc: doc["external_reference"])


def _empty_the_region() -> None:
    """Delete the demo cases and what hangs on them (meetings, being the team's, stay)."""
    cases = Case.objects.filter(external_reference__startswith="DEMO-")
    MeetingDecision.objects.filter(agenda_item__case__in=cases).delete()
    Veiligheidsvoorwaarde.objects.filter(case__in=cases).delete()
    cases.delete()


@pytest.fixture
def demo_region(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--cases", str(COUNT), stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_demo_case_exports_imports_into_an_empty_region_and_exports_the_same(demo_region, tmp_path):
    exported = _export_all(tmp_path, "first")
    assert len(exported) == COUNT
    # The demo covers every status, so the round trip covers every legal path to one.
    reached = {step["to"] for doc in exported for step in doc["status_history"] if step["type"] == "transition"}
    assert reached == set(CaseStatus.values) - {CaseStatus.AANGEMELD}
    assert all(step["reason"] for doc in exported for step in doc["status_history"])
    _empty_the_region()
    assert not Case.objects.filter(external_reference__startswith="DEMO-").exists()

    path = tmp_path / "import.jsonl"
    path.write_text("".join(json.dumps(doc, ensure_ascii=False) + "\n" for doc in exported), encoding="utf-8")
    with path.open(encoding="utf-8") as stream:
        report = import_cases(read_lines(stream, name=path.name))

    assert [str(error) for error in report.errors] == []
    assert report.created == COUNT
    again = _export_all(tmp_path, "again")
    assert [json.dumps(doc, sort_keys=True) for doc in again] == [json.dumps(doc, sort_keys=True) for doc in exported]


def test_the_seeder_writes_what_case_open_writes(demo_region):
    cases = Case.objects.filter(external_reference__startswith="DEMO-")
    assigned = TimelineEvent.objects.filter(case__in=cases, kind=EventKind.VAST_GEZICHT_ASSIGNED)
    assert assigned.count() == COUNT
    assert not TimelineEvent.objects.filter(case__in=cases, kind=EventKind.STATUS_CHANGED, summary="").exists()
    # No closed case on the crisis path: the lifecycle's no_crisis guard would refuse the closing.
    assert not cases.filter(crisis=True, closed_at__isnull=False).exists()
