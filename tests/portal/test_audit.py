import multiprocessing

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from portal import audit
from portal.models import AppendOnlyError, AuditEntry


def append_some(n=3):
    return [audit.log("test.event", details={"i": i, "note": "ünïcode"}) for i in range(n)]


def test_entries_link_into_a_chain(db):
    first, second, third = append_some()
    assert first.prev_hash == audit.GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    report = audit.verify_chain()
    assert report.ok and report.checked == 3


def test_stored_entries_hash_the_same_as_written(db):
    entry = audit.log("test.event", details={"when": "2026-01-01", "n": [1, 2]}, ip="10.0.0.1")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert audit.entry_hash(stored) == stored.entry_hash


def test_log_records_object_and_actor(make_user, station):
    user = make_user("bob")
    entry = audit.log("test.touched", actor=user, obj=station)
    assert entry.object_type == "portal.policestation"
    assert entry.object_id == str(station.pk)
    assert entry.actor_label == "bob"


def test_model_refuses_update_and_delete(db):
    entry = append_some(1)[0]
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def tamper(sql, params):
    """Change the table behind the application's back, as a DBA with SQL access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # bypasses the trigger
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_changed_row_is_detected_and_named(db):
    entries = append_some(5)
    tamper("UPDATE portal_auditentry SET details = %s WHERE seq = 3", ['{"i": 99}'])
    report = audit.verify_chain()
    assert not report.ok
    assert report.bad_seq == 3
    assert "entry #3" in report.reason and "altered" in report.reason
    assert entries  # the entries before #3 still check


def test_deleted_row_is_detected(db):
    append_some(4)
    tamper("DELETE FROM portal_auditentry WHERE seq = 2", [])
    report = audit.verify_chain()
    assert not report.ok and report.bad_seq == 2
    assert "missing" in report.reason


def test_rewritten_row_with_fresh_hash_breaks_the_next_link(db):
    append_some(3)
    forged = AuditEntry.objects.get(seq=2)
    forged.action = "forged"
    forged.entry_hash = audit.entry_hash(forged)
    tamper(
        "UPDATE portal_auditentry SET action = %s, entry_hash = %s WHERE seq = 2",
        [forged.action, forged.entry_hash],
    )
    report = audit.verify_chain()
    assert report.bad_seq == 3 and "does not link" in report.reason


def test_verify_audit_command_exit_codes(db, capsys):
    append_some(3)
    call_command("verify_audit")
    assert "intact, 3 entries" in capsys.readouterr().out
    tamper("UPDATE portal_auditentry SET action = 'x' WHERE seq = 2", [])
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    assert "entry #2" in capsys.readouterr().err


def test_entry_rolls_back_with_its_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.log("test.event")
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == 0
    audit.log("test.event")
    assert audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_postgres_trigger_refuses_update_and_delete():
    from tests import services

    services.require_postgres()
    append_some(2)
    for sql in ("UPDATE portal_auditentry SET action = 'x'", "DELETE FROM portal_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.count() == 2


def _append_in_child(n):
    # A fresh process with its own database connection, like a second web or worker process.
    connections.close_all()
    for i in range(n):
        audit.log("test.concurrent", details={"i": i})
    connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_from_several_processes_keep_one_chain():
    from tests import services

    services.require_postgres()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_append_in_child, args=(25,)) for _ in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
    assert [child.exitcode for child in children] == [0, 0, 0, 0]
    assert AuditEntry.objects.count() == 100
    report = audit.verify_chain()
    assert report.ok, report.reason
    assert report.checked == 100
