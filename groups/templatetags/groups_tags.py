"""Template helpers for groups: how a group's ages and meetings read in a sentence."""

from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups import selectors
from groups.choices import EnrolmentStatus, Weekday
from groups.models import CoursePage, Enrolment, Session
from groups.views_courses import places_in_words

register = template.Library()

EVERY = {
    Weekday.MONDAY: gettext_lazy("Mondays"),
    Weekday.TUESDAY: gettext_lazy("Tuesdays"),
    Weekday.WEDNESDAY: gettext_lazy("Wednesdays"),
    Weekday.THURSDAY: gettext_lazy("Thursdays"),
    Weekday.FRIDAY: gettext_lazy("Fridays"),
    Weekday.SATURDAY: gettext_lazy("Saturdays"),
    Weekday.SUNDAY: gettext_lazy("Sundays"),
}


@register.filter
def meeting_days(meeting_times) -> str:
    """“Tuesdays and Thursdays”: the days a group meets, each once, Monday first."""
    days = sorted({meeting.weekday for meeting in meeting_times})
    return get_text_list([str(EVERY[day]) for day in days], _("and"))


@register.filter
def meeting_pattern(meeting) -> str:
    """“Tuesdays 10:00–12:00”."""
    return f"{EVERY[meeting.weekday]} {meeting.start_time:%H:%M}–{meeting.end_time:%H:%M}"


@register.filter
def age_range(group) -> str:
    """“Ages 5 to 11”, or “Age 7” when the group takes one age."""
    if group.min_age == group.max_age:
        return _("Age %(age)s") % {"age": group.min_age}
    return _("Ages %(youngest)s to %(oldest)s") % {
        "youngest": group.min_age,
        "oldest": group.max_age,
    }


CHECKED_BADGE = ' <span class="badge badge--ok">Safeguarding checked</span>'


@register.filter
def tutor_items(tutors) -> SafeString:
    """The list items of the group page's tutors, from (name, is checked) rows: a busy
    group lists hundreds, which as a template loop took a tenth of the page's time. The
    markup is the loop's own, spaces and all."""
    return mark_safe(  # noqa: S308 (every name is escaped)
        "".join(
            f"\n      <li>{conditional_escape(name)}{CHECKED_BADGE if checked else ''}</li>\n      "
            for name, checked in tutors
        )
    )


@register.simple_tag
def email_page_url(page, route: str = "") -> str:
    """The page's (or one of its routes') address for an email, where no request is at hand."""
    _site_id, _root_url, page_path = page.get_url_parts()
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + page_path
    return url + page.reverse_subpage(route) if route else url


@register.inclusion_tag("groups/helpers_needed_section.html")
def helpers_needed_section(count: int = 3) -> dict:
    """The next few sessions in town short of adults, for the home page."""
    return {"sessions": selectors.with_groups(selectors.sessions_short_of_adults()[:count])}


# Courses a page of the group's page: a busy group runs hundreds, and a visitor scans the
# next few to start; the rest are a ?page= link away, which works without JavaScript.
COURSES_PER_PAGE = 12


@register.inclusion_tag("groups/course_cards.html", takes_context=True)
def group_courses(context, group) -> dict:
    """A page (?page=) of the group's running courses with their places left, those with the
    soonest session to come first, then those with none to come, by title. One query, with
    the count in it; two when the page asked for is out of reach."""
    request = context.get("request")
    courses = _running_courses(group)
    asked = request.GET.get("page") if request else None
    number = _page_number(asked)
    rows = _course_rows(courses, number) if number else []
    if not rows and number != 1:
        # Below the first page or past the last: as Paginator, show the last.
        rows = _last_page_rows(courses)
    paginator = Paginator(courses, COURSES_PER_PAGE)
    # The window's count of every running course, which Paginator would have asked for.
    paginator.count = rows[0]["total"] if rows else 0
    results = paginator.get_page(asked)
    # Courses are the group's children: a card's link is the group's and the slug.
    base_url = group.get_url(request) if rows else ""
    results.object_list = [
        {
            "title": row["title"],
            "url": f"{base_url}{row['slug']}/",
            "summary": row["summary"],
            "min_age": row["min_age"],
            "max_age": row["max_age"],
            "places_text": places_in_words(row["places"], row["active"] or 0),
        }
        for row in rows
    ]
    return {
        "request": request,
        "courses": results.object_list,
        "results": results,
        "page_range": paginator.get_elided_page_range(results.number, on_each_side=1, on_ends=1),
    }


def _running_courses(group):
    """The group's live, public, running courses, soonest session to come first, each
    with `active`: how many learners hold a place (None for none)."""
    # A count per course through its index, not a join grouped over every course: grouped,
    # SQLite's planner walks all the town's courses rather than this group's few.
    enrolled = Enrolment.objects.filter(course=OuterRef("pk"), status=EnrolmentStatus.ACTIVE)
    counted = enrolled.order_by().values("course").annotate(n=Count("pk")).values("n")
    to_come = Session.objects.filter(course=OuterRef("pk"), end__gt=timezone.now())
    next_start = to_come.order_by("start").values("start")[:1]
    # The group's children (as child_of) and live, in one filter: each step costs a clone.
    children = Q(path__startswith=group.path, depth=group.depth + 1, live=True)
    return (
        CoursePage.objects.filter(children)
        .public()
        .running()
        .annotate(next_start=Subquery(next_start), active=Subquery(counted))
        .order_by(F("next_start").asc(nulls_last=True), "title", "pk")
    )


def _page_number(number) -> int | None:
    """The page asked for if it can be in reach, as Paginator reads it; None if not."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return 1
    # Below one, or further than any offset the database takes: past the last page.
    return number if 1 <= number <= 2**40 else None


def _with_total(courses):
    """Rows of what a card shows, each with the count of all the courses (a window)."""
    return courses.annotate(total=Window(Count("pk"))).values(
        "title", "slug", "summary", "min_age", "max_age", "places", "active", "total"
    )


def _course_rows(courses, number: int) -> list[dict]:
    """Page `number`'s rows; none if it is past the last."""
    bottom = (number - 1) * COURSES_PER_PAGE
    return list(_with_total(courses)[bottom : bottom + COURSES_PER_PAGE])


def _last_page_rows(courses) -> list[dict]:
    """The last page's rows in one query: the last few in reverse, turned round."""
    rows = list(_with_total(courses.reverse())[:COURSES_PER_PAGE])
    if not rows:
        return []
    on_last_page = (rows[0]["total"] - 1) % COURSES_PER_PAGE + 1
    return rows[:on_last_page][::-1]
