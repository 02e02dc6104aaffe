"""PostgreSQL refuses to change or delete an evidence file row (docs/adr/0008).

The model refuses too (``EvidenceFile.save``/``delete``); the trigger also stops
raw SQL and bulk paths. The one update allowed is the database's own
``ON DELETE SET NULL`` of ``stored_by`` when a user is deleted. TRUNCATE (the
test runner's flush) fires no row trigger. Other databases rely on the model.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION secor_evidence_file_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'evidence files are immutable: % % cannot be deleted', OLD.id, OLD.file;
    END IF;
    IF (NEW.id, NEW.association_id, NEW.kind, NEW.lineage, NEW.version, NEW.file,
        NEW.original_name, NEW.content_type, NEW.size, NEW.sha256, NEW.stored_by_label,
        NEW.stored_at)
       IS DISTINCT FROM
       (OLD.id, OLD.association_id, OLD.kind, OLD.lineage, OLD.version, OLD.file,
        OLD.original_name, OLD.content_type, OLD.size, OLD.sha256, OLD.stored_by_label,
        OLD.stored_at)
       OR (NEW.stored_by_id IS NOT NULL AND NEW.stored_by_id IS DISTINCT FROM OLD.stored_by_id)
    THEN
        RAISE EXCEPTION 'evidence files are immutable: store a new version instead of changing %', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS secor_evidence_file_immutable ON secor_evidencefile;
CREATE TRIGGER secor_evidence_file_immutable
    BEFORE UPDATE OR DELETE ON secor_evidencefile
    FOR EACH ROW EXECUTE FUNCTION secor_evidence_file_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS secor_evidence_file_immutable ON secor_evidencefile;
DROP FUNCTION IF EXISTS secor_evidence_file_immutable();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("secor", "0009_history_on_user_edited_models")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
