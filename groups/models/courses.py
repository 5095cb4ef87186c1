import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.search import index

from commons.blocks import BaseStreamBlock
from commons.models.pages import PrivateSectionsMixin, PrivateSectionsQuerySet
from groups.choices import (
    CourseStatus,
    EnrolmentStatus,
    Presence,
    SessionStatus,
    SignupRole,
    SignupStatus,
)


def default_ratio(youngest_age: int) -> int:
    """Learners per adult for the youngest learners: under 5 → 4, 5–7 → 6, 8 and over → 8."""
    if youngest_age < 5:
        return 4
    if youngest_age < 8:
        return 6
    return 8


class CoursePageQuerySet(PrivateSectionsQuerySet):
    def running(self):
        return self.filter(status=CourseStatus.OPEN)


class CoursePage(PrivateSectionsMixin, RoutablePageMixin, Page):
    """A course a group runs: a term of sessions for enrolled learners, led by checked adults."""

    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("What the course is and who it is for.")
    )
    body = StreamField(
        BaseStreamBlock(),
        blank=True,
        verbose_name=_("description"),
        help_text=_("More about the course: what to bring, what learners will do."),
    )
    curriculum = models.ForeignKey(
        "learning.CurriculumPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        verbose_name=_("curriculum"),
        help_text=_("The curriculum it follows, from the library. Optional."),
    )
    units = ParentalManyToManyField(
        "learning.UnitPage",
        blank=True,
        related_name="courses",
        verbose_name=_("units covered"),
        help_text=_("Which units of the curriculum this course covers."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("youngest age"), default=5, help_text=_("The youngest learners it takes, in years.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("oldest age"), default=11, help_text=_("The oldest learners it takes, in years.")
    )
    places = models.PositiveSmallIntegerField(
        _("places"), default=12, help_text=_("The most learners who can enrol.")
    )
    min_learners = models.PositiveSmallIntegerField(
        _("minimum learners"),
        default=0,
        help_text=_("If fewer have enrolled by the confirm-by date, the course is cancelled."),
    )
    confirm_by = models.DateField(
        _("confirm by"),
        null=True,
        blank=True,
        help_text=_("The day the minimum is checked. Blank: never cancelled for numbers."),
    )
    learners_per_adult = models.PositiveSmallIntegerField(
        _("learners per adult"),
        null=True,
        blank=True,
        help_text=_(
            "Leave blank for the commons' default by youngest age (under 5: 4, 5–7: 6, "
            "8 and over: 8). You may set a stricter (smaller) number, not a looser one."
        ),
    )
    child_facing = models.BooleanField(
        _("child-facing"),
        default=True,
        help_text=_("Only adults with a current safeguarding check may lead or help."),
    )
    default_space = models.ForeignKey(
        "commons.SpacePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("usual space"),
        help_text=_("Where sessions are booked unless you choose another space."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.OPEN
    )

    objects = PageManager.from_queryset(CoursePageQuerySet)()

    parent_page_types = ["groups.GroupPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("curriculum"), FieldPanel("units")], heading=_("What it teaches")
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("min_age"), FieldPanel("max_age")]),
                FieldRowPanel([FieldPanel("places"), FieldPanel("min_learners")]),
                FieldPanel("confirm_by"),
                FieldRowPanel([FieldPanel("learners_per_adult"), FieldPanel("child_facing")]),
                FieldPanel("default_space"),
            ],
            heading=_("Learners, adults and place"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        errors = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = _("The oldest age must not be below the youngest.")
        if self.learners_per_adult is not None and self.min_age is not None:
            if self.learners_per_adult < 1:
                errors["learners_per_adult"] = _("At least one learner per adult.")
            elif self.learners_per_adult > default_ratio(self.min_age):
                errors["learners_per_adult"] = _(
                    "For learners aged %(age)s the commons allows at most %(n)s per adult."
                ) % {"age": self.min_age, "n": default_ratio(self.min_age)}
        if self.min_learners and self.places and self.min_learners > self.places:
            errors["min_learners"] = _("The minimum cannot be more than the places.")
        if errors:
            raise ValidationError(errors)

    @property
    def ratio(self) -> int:
        """Learners per adult that this course works to."""
        return self.learners_per_adult or default_ratio(self.min_age)

    def adults_needed(self, learners: int) -> int:
        """At least one lead, and one adult for every `ratio` learners."""
        return max(1, math.ceil(learners / self.ratio))

    @property
    def group(self):
        return self.get_parent().specific

    def with_content_json(self, content):
        """Keep the status the services set: publishing an older draft never reopens a
        course that was cancelled for numbers."""
        page = super().with_content_json(content)
        page.status = self.status
        return page

    def route_url(self, request, name: str, *args) -> str:
        return self.get_url(request) + self.reverse_subpage(name, args=args or None)

    def get_context(self, request, *args, **kwargs):
        """The course's facts and its upcoming sessions with their rota, in a fixed number
        of queries. Never a learner's name: this page is public."""
        from groups import views_courses

        context = super().get_context(request, *args, **kwargs)
        context.update(views_courses.course_page_context(self, request))
        return context

    # The routes' views live in groups.views_courses (imported inside: it imports these
    # models, so importing it at the top would be circular).

    @path("enrol/")
    def enrol(self, request):
        """A guardian's children and their places on this course; enrol one."""
        from groups import views_courses

        return views_courses.enrol(request, self)

    @path("withdraw/")
    def withdraw(self, request):
        """Confirm, then take a child off the course or its waiting list."""
        from groups import views_courses

        return views_courses.withdraw(request, self)

    @path("schedule/")
    def schedule(self, request):
        """For the group's admins: a term of weekly sessions, previewed before booking."""
        from groups import views_courses

        return views_courses.schedule(request, self)

    @path("sessions/<int:session_id>/move/")
    def move_session(self, request, session_id):
        from groups import views_courses

        return views_courses.move_session(request, self, session_id)

    @path("sessions/<int:session_id>/cancel/")
    def cancel_session(self, request, session_id):
        from groups import views_courses

        return views_courses.cancel_session(request, self, session_id)


class SessionQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=SessionStatus.SCHEDULED)

    def upcoming(self, now=None):
        return self.scheduled().filter(start__gte=now or timezone.now())

    def with_counts(self):
        """Annotate `learner_count` (active enrolments), `adult_count` (confirmed adults)
        and `lead_count` (confirmed leads), in the same query.

        Correlated subqueries, each an index lookup per session: a JOIN of enrolments ×
        sign-ups grouped by session multiplies rows and aggregates every session matched
        before a LIMIT can apply.
        """
        return self.annotate(
            learner_count=_count(
                Enrolment.objects.filter(
                    course=OuterRef("course_id"), status=EnrolmentStatus.ACTIVE
                ),
                "course",
            ),
            adult_count=_count(
                TutorSignup.objects.filter(session=OuterRef("pk"), status=SignupStatus.CONFIRMED),
                "session",
            ),
            lead_count=_count(
                TutorSignup.objects.filter(
                    session=OuterRef("pk"), status=SignupStatus.CONFIRMED, role=SignupRole.LEAD
                ),
                "session",
            ),
        )


def _count(rows: models.QuerySet, outer: str) -> Coalesce:
    """Count `rows` (already narrowed to the outer row by `outer`) as a scalar subquery."""
    counted = rows.order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class Session(models.Model):
    """One meeting of a course: a time, a booked space, a unit, its adults and its register."""

    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("course")
    )
    unit = models.ForeignKey(
        "learning.UnitPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("unit"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    space = models.ForeignKey(
        "commons.SpacePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("space"),
    )
    booking = models.ForeignKey(
        "commons.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("booking"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    short_alert_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start", "pk"]
        # With the course, the lists and counts of sessions in a time window (What's on,
        # the open-data API) read only the index, not each session's row.
        indexes = [
            models.Index(fields=["status", "start", "course"], name="session_status_start_course")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.course.title}, {timezone.localtime(self.start):%a %d %b %Y %H:%M}"

    @property
    def hours(self) -> float:
        return (self.end - self.start) / timedelta(hours=1)


class TutorSignup(models.Model):
    """An adult's place on a session's rota: lead or helper, confirmed or waiting."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="signups", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signups",
        verbose_name=_("adult"),
    )
    role = models.CharField(_("role"), max_length=10, choices=SignupRole.choices)
    status = models.CharField(_("status"), max_length=12, choices=SignupStatus.choices)
    cover_requested = models.BooleanField(_("asking for cover"), default=False)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)

    class Meta:
        verbose_name = _("tutor sign-up")
        verbose_name_plural = _("tutor sign-ups")
        ordering = ["session", "created_at", "pk"]
        # Covers SessionQuerySet.with_counts' per-session count of confirmed adults/leads.
        indexes = [models.Index(fields=["session", "status", "role"])]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="signup_one_per_person"),
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(role=SignupRole.LEAD, status=SignupStatus.CONFIRMED),
                name="signup_one_confirmed_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.session}"


class Enrolment(models.Model):
    """A learner's place on a course, or their turn on its waiting list."""

    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("course")
    )
    learner = models.ForeignKey(
        "commons.Learner",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("learner"),
    )
    status = models.CharField(_("status"), max_length=12, choices=EnrolmentStatus.choices)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["course", "created_at", "pk"]
        # Covers SessionQuerySet.with_counts' per-course count of active enrolments.
        indexes = [models.Index(fields=["course", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["course", "learner"], name="enrolment_one_per_learner"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.course.title} · {self.get_status_display()}"


class Attendance(models.Model):
    """A mark on a session's register. Corrections add a row; the latest counts."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    # Blank only after a guardian erased the learner: the mark stays as an anonymous count.
    learner = models.ForeignKey(
        "commons.Learner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendance",
        verbose_name=_("learner"),
    )
    presence = models.CharField(_("presence"), max_length=10, choices=Presence.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        ordering = ["session", "learner", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["session", "learner", "-recorded_at"])]

    def __str__(self) -> str:
        who = self.learner or _("an erased learner")
        return f"{who} · {self.get_presence_display()} · {self.session}"


class AdultAttendance(models.Model):
    """Whether an adult was at a session; their volunteer hours come from these."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="adult_attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adult_attendance"
    )
    present = models.BooleanField(_("was there"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("adult attendance")
        verbose_name_plural = _("adult attendance")
        ordering = ["session", "user", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["session", "user", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {'present' if self.present else 'absent'} · {self.session}"


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a person's own calendar feed URL; resetting it retires the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=_calendar_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self) -> str:
        return f"Calendar link for {self.user}"
