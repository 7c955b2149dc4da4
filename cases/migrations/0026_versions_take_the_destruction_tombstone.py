"""A recorded judgement or contribution version is never changed, except by the destruction of its
case (cases.retention.erase), which overwrites its texts with the tombstone. The triggers of 0011
refused that too, so a destroyed case kept the texts of every amended judgement and corrected
contribution; they now let exactly the tombstone's UPDATE pass."""

from django.db import migrations

# table -> the condition under which an UPDATE is the destruction's tombstone
TOMBSTONE = {
    "cases_jointjudgementversion": "NEW.rationale = 'vernietigd'",
    "cases_partnercontributionversion": "NEW.worries = 'vernietigd'",
}


def _drop(schema_editor, table):
    vendor = schema_editor.connection.vendor
    suffix = f" ON {table}" if vendor == "postgresql" else ""
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update{suffix};")


def _create(schema_editor, table, when):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} FOR EACH ROW {when}"
            "EXECUTE FUNCTION version_refuse_update();"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} FOR EACH ROW {when}"
            "BEGIN SELECT RAISE(ABORT, 'a recorded version is never changed (UPDATE refused)'); END;"
        )


def allow_tombstone(apps, schema_editor):
    for table, tombstone in TOMBSTONE.items():
        _drop(schema_editor, table)
        _create(schema_editor, table, f"WHEN (NOT ({tombstone})) ")


def refuse_every_update(apps, schema_editor):
    for table in TOMBSTONE:
        _drop(schema_editor, table)
        _create(schema_editor, table, "")


class Migration(migrations.Migration):
    dependencies = [("cases", "0025_event_kinds_after_safety_plans")]

    operations = [migrations.RunPython(allow_tombstone, refuse_every_update)]
