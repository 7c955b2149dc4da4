"""The access log's hash becomes keyed (HMAC-SHA256 with ACCESS_LOG_KEY): rows that exist keep their
unkeyed SHA-256 and say so (hash_version 1); new rows are version 2 with a per-row subject salt."""

from django.db import migrations, models

from security.append_only import sqlite_append_only_restored


def refuse_to_forget_keyed_rows(apps, schema_editor):
    # Without hash_version, keyed rows would be taken for unkeyed ones and never verify again.
    rows = apps.get_model("cases", "AccessLogEntry").objects.using(schema_editor.connection.alias)
    if rows.filter(hash_version=2).exists():
        raise RuntimeError("The access log holds keyed rows (hash_version 2): 0003 cannot be reversed.")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_access_log_append_only")]
    operations = [
        sqlite_append_only_restored("cases_accesslogentry", "access_log"),
        migrations.AddField(
            model_name="accesslogentry",
            name="hash_version",
            # Adding a column with a constant default writes no rows: the UPDATE trigger is not involved.
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="subject_salt",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.RunPython(migrations.RunPython.noop, refuse_to_forget_keyed_rows),
        sqlite_append_only_restored("cases_accesslogentry", "access_log"),
    ]
