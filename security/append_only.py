"""Database triggers that make a log table append-only (PostgreSQL and SQLite): the database itself
refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE, whatever the code or a console user tries. Used by
the log tables' migrations. A table owner can still disable the triggers: that is what the access
log's keyed hashes and anchors outside the database are for. The test suite empties its database as
superuser past the TRUNCATE trigger (tests/conftest.py)."""

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


def refuse_truncate(table: str, name: str) -> migrations.RunPython:
    """A migration operation, after `append_only(table, name)`: a statement-level trigger refuses
    TRUNCATE with the same function and message ("… is append-only (TRUNCATE refused)").

    SQLite has no TRUNCATE: its nearest, `DELETE FROM table` without WHERE, skips the delete
    triggers only on tables without triggers, so `append_only`'s DELETE trigger already refuses it."""
    up = (
        f"CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}_refuse_change();"
    )
    down = f"DROP TRIGGER IF EXISTS {name}_no_truncate ON {table};"

    def run(statement: str):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(up), run(down))


def sqlite_append_only_restored(table: str, name: str) -> migrations.RunPython:
    """A migration operation around a field change on a log table: SQLite rebuilds the table for
    such a change and drops its triggers with the old one, so this puts them back (both ways; put
    it before and after the change). PostgreSQL alters in place: nothing to do."""

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in _sqlite(table, name)[0]:
                schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))

    return migrations.RunPython(apply, apply)
