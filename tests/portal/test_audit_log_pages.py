"""The audit log's pages: found by seq range (no COUNT(*), no OFFSET), same entries as OFFSET."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import audit
from portal.models import AuditEntry


@pytest.fixture
def entries(db):
    for n in range(123):
        audit.log("tests.page.entry", details={"n": n})
    return AuditEntry.objects.order_by("-seq")


def test_every_page_holds_the_same_entries_as_offset_paging(entries):
    head_seq, _hash = audit.chain_head()
    ours = audit.NewestFirstPaginator(entries, 50, head_seq=head_seq)
    offset = Paginator(entries, 50)
    assert ours.count == offset.count and ours.num_pages == offset.num_pages == 3
    for number in offset.page_range:
        assert list(ours.page(number)) == list(offset.page(number))
    assert [e.seq for e in ours.get_page("999")][-1] == 1  # past the end: the last page


def test_empty_log_has_one_empty_page(db):
    assert list(audit.NewestFirstPaginator(AuditEntry.objects.all(), 50, head_seq=0).page(1)) == []


def _audit_page_sql(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if "portal_auditentry" in q["sql"]]


def test_deep_pages_read_a_seq_range_without_count_or_offset(entries, cast, client_for):
    client = client_for(cast["auditor"])
    first = _audit_page_sql(client, reverse("portal-audit"))
    last = _audit_page_sql(client, reverse("portal-audit") + "?page=3")
    assert len(first) == len(last)
    for sql in first + last:
        assert "COUNT(" not in sql.upper() and "OFFSET" not in sql.upper()
    page = client.get(reverse("portal-audit") + "?page=3").content.decode()
    assert "<td>1</td>" in page


def test_filtered_log_still_pages_through_matches(entries, cast, client_for):
    audit.log("tests.other.entry")
    response = client_for(cast["auditor"]).get(reverse("portal-audit") + "?action=tests.other")
    assert [e.action for e in response.context["page"]] == ["tests.other.entry"]
