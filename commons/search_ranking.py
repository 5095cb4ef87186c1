"""Rank the site search's matches on SQLite in one pass over the full-text index.

Wagtail's SQLite backend (modelsearch) orders results by a score subquery that runs the
full-text match again for every page that matched: "fractions" matches over a thousand
units at city scale, so one section cost a thousand FTS queries. Here the index drives:
one MATCH scores each entry with the backend's own bm25 expression, each entry's page is
checked row by row against the rule for what anyone may read, and window functions keep
the best few of each page type plus a count of all of them. Ties go to the newest page
(highest id), as in the backend, so the order is the same.
"""

from django.db import connection
from django.db.models import Exists, F, IntegerField, OuterRef
from django.db.models.functions import Cast
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend

from commons import selectors


def ranks_in_one_pass() -> bool:
    """Whether the search backend is modelsearch's SQLite one, which ranked_matches replaces."""
    if connection.vendor != "sqlite":
        return False  # The module below declares its model on SQLite only.
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

    return isinstance(get_search_backend(), SQLiteSearchBackend)


def ranked_matches(
    site: Site, page_types: list[int], terms, *, per_type: int | None = None
) -> list[tuple[int, int, float, int]]:
    """Return (page id, type id, score, matches of that type) for the readable pages matching.

    Lower scores are better (bm25).

    Best first within each type; with per_type, only that many of each type (the counts
    still count them all). One query.
    """
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

    backend = get_search_backend()
    compiler = backend.query_compiler_class(Page.objects.all(), terms)
    config = compiler.get_config(backend)
    match = MatchExpression(
        compiler.FTS_TABLE_FIELDS, compiler.build_search_query(normalize(terms), config=config)
    )
    readable = selectors.readable_pages(site).filter(
        pk=OuterRef("page_id"), content_type__in=page_types
    )
    scored = (
        SQLiteFTSIndexEntry.objects.filter(match)
        .annotate(
            page_id=Cast("index_entry__object_id", IntegerField()),
            type_id=F("index_entry__content_type_id"),
        )
        .filter(type_id__in=page_types)
        .filter(Exists(readable))
        .annotate(score=compiler._build_rank_expression(compiler.get_search_vectors(), config))
        .values_list("page_id", "type_id", "score")
    )
    sql, params = scored.query.sql_with_params()
    # SQLite refuses bm25() inside a window function, so the windows sit one level up.
    # Only Django-compiled SQL goes into the text; every value is a parameter.
    ranked = f"""
        SELECT page_id, type_id, score, of_type FROM (
            SELECT page_id, type_id, score,
                COUNT(*) OVER (PARTITION BY type_id) AS of_type,
                ROW_NUMBER() OVER (PARTITION BY type_id ORDER BY score, page_id DESC) AS place
            FROM ({sql}) AS scored
        ) AS ranked
        WHERE %s IS NULL OR place <= %s
        ORDER BY type_id, place
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(ranked, (*params, per_type, per_type))
        return cursor.fetchall()


def matching_ids(model, words: str, *, operator: str = "and"):
    """The ids of the `model` pages whose index entries match `words`, as a subquery.

    What the backend's own search filters by when it need not rank, with the full-text
    index driving: the backend's IN (…) lets SQLite walk every entry of the model's
    content types and run the MATCH again for each (a city's curricula: half a second),
    where the MATCH alone, run once, takes a fraction of a millisecond.
    """
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import IndexEntry, SQLiteFTSIndexEntry
    from modelsearch.utils import get_descendants_content_types_pks

    backend = get_search_backend()
    compiler = backend.query_compiler_class(
        model.objects.all(), words, operator=operator, order_by_relevance=False
    )
    config = compiler.get_config(backend)
    match = MatchExpression(
        compiler.FTS_TABLE_FIELDS,
        compiler.build_search_query(normalize(compiler.query), config=config),
    )
    entries = SQLiteFTSIndexEntry.objects.filter(match).values("pk")
    return (
        IndexEntry.objects.filter(
            pk__in=entries, content_type__in=get_descendants_content_types_pks(model)
        )
        .annotate(page_id=Cast("object_id", IntegerField()))
        .values("page_id")
    )
