"""A related-field lookup that treats an id too big for the column as "no such row"."""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject
from django.db.models.fields.related_lookups import RelatedExact


class RelatedExactInRange(RelatedExact):
    """`fk=<id>` that matches nothing when the id does not fit the target column.

    Django 5.0 made `IntegerField` lookups do this (ticket #27397), but not lookups through
    a relation, and every Wagtail page type's id is one (its `page_ptr`): a posted or
    linked page id of 2**64 made SQLite raise OverflowError, and so a 500, from any form
    choosing a group, space or curriculum and any view finding a page by id.
    """

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and type(self.rhs) is int:
            target = getattr(self.lhs.output_field, "target_field", None)
            try:
                low, high = connection.ops.integer_field_range(target.get_internal_type())
            except (AttributeError, KeyError, ValueError):  # not an integer column
                low = high = None
            if (low is not None and self.rhs < low) or (high is not None and self.rhs > high):
                raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    ForeignObject.register_lookup(RelatedExactInRange)
