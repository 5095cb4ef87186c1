"""Keep the search index in step with what is published."""

from wagtail.search import index
from wagtail.signals import page_published


def _reindex(sender, instance, **kwargs) -> None:
    index.insert_or_update_object(instance)


def reindex_on_publish() -> None:
    """Index a page again once it is published, its inline and many-to-many data included.

    The search backend re-reads a page from the database as soon as the page's own row is
    saved: before modelcluster saves the page's children and many-to-many fields (a unit's
    objectives, a curriculum's subjects). Publishing a change to those would leave the
    index one version behind. page_published comes after everything is saved.
    """
    page_published.connect(_reindex, dispatch_uid="commons.search_index.reindex_on_publish")
