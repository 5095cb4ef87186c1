"""Template helpers for groups: how a group's ages and meetings read in a sentence."""

from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
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
    soonest session to come first, then those with none to come, by title. Two queries."""
    # A count per course through its index, not a join grouped over every course: grouped,
    # SQLite's planner walks all the town's courses rather than this group's few.
    enrolled = Enrolment.objects.filter(course=OuterRef("pk"), status=EnrolmentStatus.ACTIVE)
    counted = enrolled.order_by().values("course").annotate(n=Count("pk")).values("n")
    active = Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    to_come = Session.objects.filter(course=OuterRef("pk"), end__gt=timezone.now())
    next_start = to_come.order_by("start").values("start")[:1]
    courses = (
        CoursePage.objects.child_of(group)
        .live()
        .public()
        .running()
        .defer_streamfields()
        .annotate(next_start=Subquery(next_start), active=active)
        .order_by(F("next_start").asc(nulls_last=True), "title", "pk")
    )
    request = context.get("request")
    results = Paginator(courses, COURSES_PER_PAGE).get_page(
        request.GET.get("page") if request else None
    )
    for course in results.object_list:
        course.places_text = places_in_words(course.places, course.active)
    return {
        "request": request,
        "courses": results.object_list,
        "results": results,
        "page_range": results.paginator.get_elided_page_range(
            results.number, on_each_side=1, on_ends=1
        ),
    }
