"""The hash-chained, append-only audit log.

Every entry carries the previous entry's hash and its own SHA-256 over a canonical encoding of
all its fields, so changing, removing or inserting any row breaks the chain at that row.
Appends are serialized (a PostgreSQL advisory lock; SQLite's IMMEDIATE transactions) and the
unique prev_hash column makes a fork impossible even if the lock were bypassed.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.functional import cached_property

from .models import AuditEntry

GENESIS_HASH = "0" * 64
# Any fixed 64-bit number: the key of the advisory lock that serializes appends.
_ADVISORY_LOCK_KEY = 0x4155444954  # "AUDIT"


def canonical_bytes(
    *,
    seq,
    at,
    actor_id,
    actor_label,
    ip,
    action,
    object_type,
    object_id,
    object_label,
    details,
    prev_hash,
):
    """The exact bytes hashed for one entry: sorted-key JSON, UTC time with microseconds."""
    payload = {
        "seq": seq,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "ip": ip,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_label": object_label,
        "details": details,
        "prev_hash": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry):
    return hashlib.sha256(
        canonical_bytes(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            ip=entry.ip,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            object_label=entry.object_label,
            details=entry.details,
            prev_hash=entry.prev_hash,
        )
    ).hexdigest()


def _normalize(details):
    # Round-trip through JSON so the hash is taken over what the database will give back
    # (dates become strings, tuples lists), not over Python objects.
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log(
    action,
    *,
    actor=None,
    obj=None,
    details=None,
    request=None,
    ip=None,
    object_type=None,
    object_id=None,
    object_label=None,
):
    """Append one entry to the chain and return it.

    `action` is a dotted name (`portal.auth.login`). `obj` is any model instance the event
    concerns. Called inside a caller's transaction, the entry commits or rolls back with it.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = str(obj.pk) if object_id is None else object_id
        object_label = (str(obj) if object_label is None else object_label)[:200]
    details = _normalize(details)
    ip = ip or client_ip(request)

    for _attempt in range(5):
        try:
            return _append(
                action=action,
                actor=actor,
                ip=ip,
                object_type=object_type or "",
                object_id=object_id or "",
                object_label=object_label or "",
                details=details,
            )
        except IntegrityError:
            # Only reachable without the advisory lock (SQLite): another writer took this seq.
            continue
    raise RuntimeError("could not append to the audit log after 5 attempts")


def _append(*, action, actor, ip, object_type, object_id, object_label, details):
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = AuditEntry.objects.order_by("-seq").values("seq", "entry_hash").first()
        entry = AuditEntry(
            seq=(last["seq"] + 1) if last else 1,
            at=timezone.now(),
            actor=actor,
            actor_label=actor.get_username() if actor else "",
            ip=ip,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=object_label,
            details=details,
            prev_hash=last["entry_hash"] if last else GENESIS_HASH,
        )
        entry.entry_hash = entry_hash(entry)
        entry.save(force_insert=True)
        return entry


def chain_head():
    """(seq, hash) of the newest entry, or (0, GENESIS_HASH) for an empty log."""
    last = AuditEntry.objects.order_by("-seq").values("seq", "entry_hash").first()
    return (last["seq"], last["entry_hash"]) if last else (0, GENESIS_HASH)


class NewestFirstPaginator(Paginator):
    """Pages of the whole log, newest first, found by seq instead of COUNT(*) and OFFSET.

    The chain numbers its entries 1..head without gaps (a gap is a break that verify_chain
    names), so the count is the head's seq and page n holds the seqs just below
    head - per_page * (n - 1): an index range read that is as fast on page 20,000 as on page 1.
    """

    def __init__(self, entries, per_page, *, head_seq):
        super().__init__(entries, per_page)
        self.head_seq = head_seq

    @cached_property
    def count(self):
        return self.head_seq

    def page(self, number):
        number = self.validate_number(number)
        top = self.head_seq - (number - 1) * self.per_page
        entries = self.object_list.filter(seq__lte=top, seq__gt=top - self.per_page)
        return self._get_page(list(entries), number, self)


@dataclass
class ChainReport:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""


def verify_chain(batch_size=5000):
    """Walk the whole chain in order; report the first entry that does not match."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size)
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainReport(
                False,
                checked,
                expected_seq,
                f"entry #{expected_seq} is missing (next found is #{entry.seq})",
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                entry.seq,
                f"entry #{entry.seq} does not link to entry #{entry.seq - 1}",
            )
        if entry_hash(entry) != entry.entry_hash:
            return ChainReport(
                False,
                checked,
                entry.seq,
                f"entry #{entry.seq} ({entry.action}) was altered: "
                "its contents do not match its hash",
            )
        expected_prev = entry.entry_hash
        expected_seq += 1
        checked += 1
    return ChainReport(True, checked)
