from django.db import migrations, models


def analyze(apps, schema_editor):
    # Statistics on the new expression are what the index is for; autovacuum may take days to collect them.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE workflows_deadline")


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0003_merge_0002_default_rules_0002_meetings"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                models.Case(models.When(state="open", then="due_at"), output_field=models.DateTimeField()),
                name="deadline_open_due_expr_idx",
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True),
    ]
