"""Database triggers that make a log table append-only (PostgreSQL and SQLite): the database itself
refuses UPDATE and DELETE, whatever the code or a console user tries. Used by the log tables'
migrations; TRUNCATE (a test database being reset) is not a row change and stays possible."""

from __future__ import annotations

from django.db import migrations


def _postgres(table: str, name: str) -> tuple[str, str]:
    up = f"""
CREATE OR REPLACE FUNCTION {name}_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{name.replace("_", " ")} is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {name}_refuse_change();
"""
    down = f"DROP TRIGGER IF EXISTS {name}_append_only ON {table}; DROP FUNCTION IF EXISTS {name}_refuse_change();"
    return up, down


def _sqlite(table: str, name: str) -> tuple[list[str], list[str]]:
    label = name.replace("_", " ")
    up = [
        f"CREATE TRIGGER {name}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{label} is append-only ({op} refused)'); END;"
        for op in ("UPDATE", "DELETE")
    ]
    down = [f"DROP TRIGGER IF EXISTS {name}_no_{op};" for op in ("update", "delete")]
    return up, down


def append_only(table: str, name: str) -> migrations.RunPython:
    """A migration operation: `name` ("access_log") names the triggers and appears in the refusal."""

    def run(step: int):  # 0 creates, 1 drops
        def apply(apps, schema_editor):
            vendor = schema_editor.connection.vendor
            if vendor == "postgresql":
                schema_editor.execute(_postgres(table, name)[step])
            elif vendor == "sqlite":
                for statement in _sqlite(table, name)[step]:
                    schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(0), run(1))
