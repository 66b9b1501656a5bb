from django.db import migrations

ROLES = [
    "citizen",
    "station_officer",
    "control_room_operator",
    "control_room_supervisor",
    "auditor",
    "admin",
]

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION portal_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: %% on portal_auditentry refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_audit_append_only
    BEFORE UPDATE OR DELETE ON portal_auditentry
    FOR EACH ROW EXECUTE FUNCTION portal_audit_refuse_change();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS portal_audit_append_only ON portal_auditentry;
DROP FUNCTION IF EXISTS portal_audit_refuse_change();
"""


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def create_trigger(apps, schema_editor):
    # PostgreSQL only: SQLite (the embedded mode) relies on the model's own refusal.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
