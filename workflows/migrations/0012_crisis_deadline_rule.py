from django.db import migrations


def load(apps, schema_editor):
    # load_defaults creates the region defaults that are missing: here the crisis rule.
    from workflows.deadlines.rules import load_defaults

    load_defaults(apps.get_model("workflows", "DeadlineRule"), apps.get_model("workflows", "GelijkgesteldeDag"))


def unload(apps, schema_editor):
    rule = apps.get_model("workflows", "DeadlineRule")
    rule.objects.filter(team__isnull=True, code="crisis-oordeel", deadlines__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0011_notification_kinds_and_agenda_proposals")]

    operations = [migrations.RunPython(load, unload)]
