from django.db import migrations


def load(apps, schema_editor):
    from workflows.deadlines.rules import load_defaults

    load_defaults(apps.get_model("workflows", "DeadlineRule"), apps.get_model("workflows", "GelijkgesteldeDag"))


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_deadlines")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
