"""When a case is destroyed, the security log keeps its rows, but a path that names the case
("/zaken/12/…") becomes a tombstone. The append-only trigger lets exactly that change through: only
`detail` changes, its "path" becomes "vernietigd" and "tombstone" is set, everything else as it was.
Anything else is still refused."""

from django.db import migrations

TABLE = "security_securityevent"
KEPT = ("id", "at", "user_id", "username", "organisation", "role", "action", "outcome", "ip")

POSTGRES_CONDITION = " AND ".join(
    [
        "NOT (OLD.detail ? 'tombstone')",
        "NEW.detail ->> 'tombstone' = 'true'",
        "NEW.detail ->> 'path' = 'vernietigd'",
        "(NEW.detail - 'path' - 'tombstone') = (OLD.detail - 'path')",
        *(f"NEW.{name} IS NOT DISTINCT FROM OLD.{name}" for name in KEPT),
    ]
)
SQLITE_CONDITION = " AND ".join(
    [
        "json_extract(OLD.detail, '$.tombstone') IS NULL",
        "json_extract(NEW.detail, '$.tombstone') = 1",
        "json_extract(NEW.detail, '$.path') = 'vernietigd'",
        "json_remove(NEW.detail, '$.path', '$.tombstone') = json_remove(OLD.detail, '$.path')",
        *(f"NEW.{name} IS OLD.{name}" for name in KEPT),
    ]
)

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION security_log_refuse_change_but_tombstone() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND {POSTGRES_CONDITION} THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'security log is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS security_log_append_only ON {TABLE};
CREATE TRIGGER security_log_append_only BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION security_log_refuse_change_but_tombstone();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS security_log_append_only ON {TABLE};
CREATE TRIGGER security_log_append_only BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION security_log_refuse_change();
DROP FUNCTION IF EXISTS security_log_refuse_change_but_tombstone();
"""
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS security_log_no_update;",
    f"CREATE TRIGGER security_log_no_update BEFORE UPDATE ON {TABLE} WHEN NOT ({SQLITE_CONDITION}) "
    "BEGIN SELECT RAISE(ABORT, 'security log is append-only (UPDATE refused)'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS security_log_no_update;",
    f"CREATE TRIGGER security_log_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'security log is append-only (UPDATE refused)'); END;",
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
    dependencies = [("security", "0006_external_identity_and_provider_device")]
    operations = [migrations.RunPython(run(POSTGRES_UP, SQLITE_UP), run(POSTGRES_DOWN, SQLITE_DOWN))]
