"""Every joint judgement and partner contribution recorded so far gets its versions; each dissent
belongs to the version of the judgement in force when it was recorded. Then the versions are made
unchangeable: the database refuses UPDATE on them (PostgreSQL and SQLite)."""

from django.db import migrations, models

CONTENT = ("classification", "joint_score", "rationale", "parents_view", "children_view", "parents_present",
           "children_present")
CONTRIBUTION = ("worries", "strengths", "must_happen", "safety_score", "classification", "arij_outcome",
                "risk_level", "lirik_outcome")
# An edit made in place before versions existed had no reason; the constraint asks for one.
EARLIER_EDIT = "Gewijzigd voordat wijzigingen een eigen versie kregen."


def fill(apps, schema_editor):
    judgements = apps.get_model("cases", "JointJudgement")
    history = apps.get_model("cases", "HistoricalJointJudgement")
    versions = apps.get_model("cases", "JointJudgementVersion")
    dissents = apps.get_model("cases", "Dissent")
    for judgement in judgements.objects.all().iterator():
        # The last history row of each version number: the content that version had.
        seen = {}
        for row in history.objects.filter(id=judgement.pk).order_by("history_id"):
            seen[row.version] = row
        rows = [seen[number] for number in sorted(seen)] or [judgement]
        made = []
        for number, row in enumerate(rows, start=1):
            first = number == 1
            made.append(
                versions.objects.create(
                    judgement=judgement,
                    number=number,
                    **{name: getattr(row, name) for name in CONTENT},
                    recorded_by_id=judgement.recorded_by_id if first else (row.history_user_id or judgement.recorded_by_id),
                    recorded_at=judgement.recorded_at if first else row.history_date,
                    reason="" if first else EARLIER_EDIT,
                )
            )
        newest = made[-1]
        judgements.objects.filter(pk=judgement.pk).update(
            version=newest.number, **{name: getattr(newest, name) for name in CONTENT}
        )
        for dissent in dissents.objects.filter(judgement=judgement):
            in_force = [v for v in made if v.recorded_at <= dissent.recorded_at] or made[:1]
            dissents.objects.filter(pk=dissent.pk).update(version=in_force[-1])
    contributions = apps.get_model("cases", "PartnerContribution")
    contribution_versions = apps.get_model("cases", "PartnerContributionVersion")
    for contribution in contributions.objects.all().iterator():
        contribution_versions.objects.create(
            contribution=contribution,
            number=1,
            **{name: getattr(contribution, name) for name in CONTRIBUTION},
            recorded_by_id=contribution.author_id,
            recorded_at=contribution.recorded_at,
        )
    if schema_editor.connection.vendor == "postgresql":
        # Check the new rows' foreign keys now, so the table can be altered in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


TABLES = ("cases_jointjudgementversion", "cases_partnercontributionversion")


def refuse_update(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION version_refuse_update() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'a recorded version is never changed (UPDATE refused on %%)', TG_TABLE_NAME; "
            "END; $$ LANGUAGE plpgsql;"
        )
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION version_refuse_update();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'a recorded version is never changed (UPDATE refused)'); END;"
            )


def allow_update(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor in ("postgresql", "sqlite"):
            suffix = f" ON {table}" if vendor == "postgresql" else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update{suffix};")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS version_refuse_update();")


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_judgement_versions_and_standpoints")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dissent",
            name="version",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE, related_name="dissents", to="cases.jointjudgementversion"
            ),
        ),
        migrations.RunPython(refuse_update, allow_update),
    ]
