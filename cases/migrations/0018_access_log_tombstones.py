"""A destroyed case's access log rows keep their place in the chain with tombstones for the case,
the person and the detail: the row stores the keyed digest of those fields (`subject_digest`), which
is what its hash covers, so the chain still verifies. The append-only trigger lets exactly that
change through: from no stored digest to one, the case and person emptied, the detail the tombstone,
the salt emptied, every other column as it was. Anything else is still refused."""

from django.db import migrations, models

from security.append_only import sqlite_append_only_restored

TABLE = "cases_accesslogentry"
KEPT = (
    "at",
    "user_id",
    "username",
    "organisation_id",
    "organisation_name",
    "role",
    "action",
    "outcome",
    "ip_address",
    "prev_hash",
    "hash",
    "hash_version",
    "id",
)
TOMBSTONING = " AND ".join(
    [
        "OLD.subject_digest = ''",
        "NEW.subject_digest <> ''",
        "NEW.case_id IS NULL",
        "NEW.person_id IS NULL",
        "NEW.detail = 'vernietigd'",
        "NEW.subject_salt = ''",
        *(f"NEW.{name} IS NOT DISTINCT FROM OLD.{name}" for name in KEPT),
    ]
)

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION access_log_refuse_change_but_tombstone() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND {TOMBSTONING} THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'access log is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS access_log_append_only ON {TABLE};
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change_but_tombstone();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS access_log_append_only ON {TABLE};
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();
DROP FUNCTION IF EXISTS access_log_refuse_change_but_tombstone();
"""
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS access_log_no_update;",
    f"CREATE TRIGGER access_log_no_update BEFORE UPDATE ON {TABLE} WHEN NOT ({TOMBSTONING.replace('IS NOT DISTINCT FROM', 'IS')}) "
    "BEGIN SELECT RAISE(ABORT, 'access log is append-only (UPDATE refused)'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS access_log_no_update;",
    f"CREATE TRIGGER access_log_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'access log is append-only (UPDATE refused)'); END;",
]


def run(postgres: str, sqlite: list[str]):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(postgres)
        elif vendor == "sqlite":
            for statement in sqlite:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_event_kinds_after_documents")]
    operations = [
        sqlite_append_only_restored(TABLE, "access_log"),
        migrations.AddField(
            model_name="accesslogentry",
            name="subject_digest",
            # A constant default writes no rows: the UPDATE trigger is not involved.
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        sqlite_append_only_restored(TABLE, "access_log"),
        migrations.RunPython(run(POSTGRES_UP, SQLITE_UP), run(POSTGRES_DOWN, SQLITE_DOWN)),
    ]
