"""The request pages' SQL: list pages hold what OFFSET paging would show, and the number of
queries grows neither with the rows on a list page nor with the people a detail page names."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.pagination import IdFirstPaginator
from requests_app import selectors
from requests_app.benchmark_data import Filler, Sizes
from requests_app.models import FootageRequest, RequestItem

pytestmark = pytest.mark.services


@pytest.fixture
def filled(postgres):
    """120 requests in every status, with items, holds, export jobs (some failed), timelines
    and the object permissions filing grants, written by bench_pages' filler."""
    return Filler(Sizes(requests=120, audit_entries=10, stations=3, cameras=6, citizens=8)).fill()


def test_id_first_pages_equal_offset_pages(filled):
    camera = RequestItem.objects.values_list("camera__code", flat=True).first()
    for queryset in (
        selectors.with_export_failures(FootageRequest.objects.all()).order_by("due_at", "pk"),
        selectors.filtered(FootageRequest.objects.all(), camera=camera).order_by("due_at", "pk"),
        selectors.visible_requests(filled.officer).order_by("-filed_at", "pk"),
    ):
        ours, offset = IdFirstPaginator(queryset, 7), Paginator(queryset, 7)
        assert ours.num_pages == offset.num_pages > 1
        for number in offset.page_range:
            assert list(ours.page(number)) == list(offset.page(number))


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


@pytest.mark.parametrize(
    ("who", "url_name"),
    [
        ("citizen", "requests-list"),
        ("officer", "requests-list"),
        ("officer", "requests-downloads"),
        ("operator", "requests-list"),
        ("operator", "requests-queue"),
        ("auditor", "requests-list"),
    ],
)
def test_list_queries_do_not_grow_with_the_rows(filled, client_for, who, url_name):
    client = client_for(getattr(filled, who))
    url = reverse(url_name)
    response = client.get(url)
    page = response.context["page"]
    variants = [url, f"{url}?page={page.paginator.num_pages}"]
    if url_name != "requests-downloads":  # the lists with filters: one row
        variants.append(f"{url}?q={page.object_list[0].reference}")
    counts = {}
    for variant in variants:
        queries, rows = _queries(client, variant)
        counts.setdefault(queries, []).append(rows)
    rows_seen = sorted(r for rows in counts.values() for r in rows)
    assert rows_seen[0] < rows_seen[-1], "the variants must differ in the number of rows"
    assert len(counts) == 1, f"{url} as {who}: queries by rows on the page {counts}"
    assert next(iter(counts)) <= 10


def test_detail_queries_do_not_grow_with_the_people_named(cast, client_for, file_for):
    request = file_for(cast["citizen"])
    client = client_for(cast["supervisor"])
    url = reverse("requests-detail", args=[request.reference])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    FootageRequest.objects.filter(pk=request.pk).update(
        endorsed_by=cast["officer"], prepared_by=cast["operator"], approved_by=cast["supervisor2"]
    )
    assert queries() == before
