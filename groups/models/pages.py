from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from commons.blocks import BaseStreamBlock
from commons.models.pages import (
    BodyPageMixin,
    DirectoryPageMixin,
    PrivateSectionsMixin,
    PrivateSectionsQuerySet,
)
from groups.choices import GroupKind, JoinPolicy, MembershipStatus, Role, Weekday

# Where joining again changes nothing, and the memberships one can leave (or turn down).
SETTLED = {MembershipStatus.ACTIVE, MembershipStatus.PENDING}
CURRENT = {MembershipStatus.ACTIVE, MembershipStatus.PENDING, MembershipStatus.INVITED}

# The views below import groups' forms, filters, selectors and services inside the
# methods: those modules import these models, so importing them here would be circular.


def _posted(request):
    return request.POST if request.method == "POST" else None


def _as_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class GroupIndexPage(PrivateSectionsMixin, DirectoryPageMixin, BodyPageMixin, Page):
    """The directory of the town's groups: one, under the home page."""

    parent_page_types = ["commons.HomePage"]
    subpage_types = ["groups.GroupPage"]
    max_count = 1

    content_panels = Page.content_panels + BodyPageMixin.body_panels
    search_fields = Page.search_fields + BodyPageMixin.body_search_fields

    class Meta:
        verbose_name = _("group directory")
        verbose_name_plural = _("group directories")

    def directory_filterset(self, request):
        from groups import selectors
        from groups.filters import GroupFilter

        # Narrowed to the page type too: PostgreSQL then finds the groups by the type's
        # index, not by reading the whole page tree in id order.
        page_type = ContentType.objects.get_for_model(GroupPage, for_concrete_model=False)
        groups = selectors.directory_groups(self).filter(content_type=page_type)
        return GroupFilter(
            request.GET or None, queryset=groups.order_by("title", "pk"), request=request
        )

    def directory_listing(self, queryset):
        # Rows, not pages: a card needs a few columns.
        return queryset.values(
            "pk",
            "slug",
            "title",
            "summary",
            "kind",
            "min_age",
            "max_age",
            "accepting_members",
            "logo_id",
            "neighbourhood__name",
        )

    def directory_page_items(self, items, request=None):
        """The cards of a page of groups, each field ready to show, in four queries."""
        from wagtail.images import get_image_model
        from wagtail.images.shortcuts import get_rendition_or_not_found

        from groups import selectors
        from groups.templatetags.groups_tags import age_range, meeting_days

        rows = list(items)
        ids = [row["pk"] for row in rows]
        subjects = {}
        through = GroupPage.subjects.through.objects.filter(grouppage_id__in=ids)
        for group_id, name in through.order_by("subject__name").values_list(
            "grouppage_id", "subject__name"
        ):
            subjects.setdefault(group_id, []).append(name)
        meetings = {}
        days = GroupMeetingTime.objects.filter(page_id__in=ids).values_list("page_id", "weekday")
        for group_id, weekday in days:
            meetings.setdefault(group_id, []).append(SimpleNamespace(weekday=weekday))
        logo_ids = {row["logo_id"] for row in rows if row["logo_id"]}
        logos = {}
        if logo_ids:
            images = get_image_model().objects.filter(pk__in=logo_ids)
            for image in images.prefetch_renditions(selectors.CARD_LOGO):
                logos[image.pk] = get_rendition_or_not_found(image, selectors.CARD_LOGO)
        kinds = dict(GroupKind.choices)
        # Groups are the directory's children: a card's link is the directory's and the slug.
        base_url = self.get_url(request)
        return [
            GroupCard(
                title=row["title"],
                url=f"{base_url}{row['slug']}/",
                logo=logos.get(row["logo_id"]),
                accepting_members=row["accepting_members"],
                summary=row["summary"],
                kind=kinds.get(row["kind"], row["kind"]),
                neighbourhood=row["neighbourhood__name"] or "",
                ages=age_range(SimpleNamespace(min_age=row["min_age"], max_age=row["max_age"])),
                meets=meeting_days(meetings.get(row["pk"], ())),
                subjects=", ".join(subjects.get(row["pk"], ())),
            )
            for row in rows
        ]


@dataclass(frozen=True)
class GroupCard:
    """What a directory card shows of a group, formatted."""

    title: str
    url: str
    logo: object
    accepting_members: bool
    summary: str
    kind: str
    neighbourhood: str
    ages: str
    meets: str
    subjects: str


class GroupPageQuerySet(PrivateSectionsQuerySet):
    def for_age(self, age: int):
        return self.filter(min_age__lte=age, max_age__gte=age)

    def meeting_on(self, weekday: int):
        return self.filter(meeting_times__weekday=weekday).distinct()


class GroupPage(PrivateSectionsMixin, RoutablePageMixin, Page):
    """One group — a co-op, free school, network or club — and its own corner of the CMS."""

    kind = models.CharField(
        _("kind of group"),
        max_length=20,
        choices=GroupKind.choices,
        help_text=_("What sort of group this is."),
    )
    neighbourhood = models.ForeignKey(
        "commons.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
        verbose_name=_("neighbourhood"),
        help_text=_("Where the group mostly meets."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("youngest age"),
        default=4,
        help_text=_("The youngest learners the group takes, in years."),
    )
    max_age = models.PositiveSmallIntegerField(
        _("oldest age"), default=16, help_text=_("The oldest learners the group takes, in years.")
    )
    summary = models.TextField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown in the directory.")
    )
    body = StreamField(
        BaseStreamBlock(),
        blank=True,
        verbose_name=_("about the group"),
        help_text=_("What the group does, its values, what a session is like."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_("A square logo or photo, shown in the directory."),
    )
    subjects = ParentalManyToManyField(
        "learning.Subject",
        blank=True,
        related_name="groups",
        verbose_name=_("subjects"),
        help_text=_("What the group teaches or explores."),
    )
    meeting_note = models.CharField(
        _("meeting note"),
        max_length=120,
        blank=True,
        help_text=_("Anything else about when you meet, for example “term time only”."),
    )
    join_policy = models.CharField(
        _("joining"),
        max_length=10,
        choices=JoinPolicy.choices,
        default=JoinPolicy.APPROVAL,
        help_text=_("Whether people join straight away or wait for an admin to approve them."),
    )
    accepting_members = models.BooleanField(
        _("accepting new members"), default=True, help_text=_("Untick when the group is full.")
    )
    tutors_may_book = models.BooleanField(
        _("tutors may book spaces"),
        default=False,
        help_text=_("Let the group's tutors request space bookings, not just its admins."),
    )
    show_name_on_bookings = models.BooleanField(
        _("show our name on space calendars"),
        default=True,
        help_text=_("Show the group's name on spaces' public calendars, rather than “Booked”."),
    )
    # The group's corner of the CMS, made when the page is created (groups.services).
    admin_group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tutor_group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PageManager.from_queryset(GroupPageQuerySet)()

    parent_page_types = ["groups.GroupIndexPage"]
    subpage_types = ["groups.CoursePage", "learning.CurriculumPage", "commons.StandardPage"]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("neighbourhood"),
                FieldRowPanel([FieldPanel("min_age"), FieldPanel("max_age")]),
                FieldPanel("subjects"),
            ],
            heading=_("For the directory"),
        ),
        MultiFieldPanel(
            [InlinePanel("meeting_times", label=_("Meeting time")), FieldPanel("meeting_note")],
            heading=_("When the group meets"),
        ),
        MultiFieldPanel(
            [FieldPanel("join_policy"), FieldPanel("accepting_members")], heading=_("Joining")
        ),
        MultiFieldPanel(
            [FieldPanel("tutors_may_book"), FieldPanel("show_name_on_bookings")],
            heading=_("Shared spaces"),
        ),
        FieldPanel("logo"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.RelatedFields("neighbourhood", [index.SearchField("name")]),
        index.RelatedFields("subjects", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def clean(self):
        super().clean()
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValidationError({"max_age": _("The oldest age must not be below the youngest.")})

    # The CMS corner belongs to the group, not to a revision of its page: a revision saved
    # before the corner existed must not unlink it, and a copy must not share it.
    exclude_fields_in_copy = ["admin_group", "tutor_group", "collection"]

    def with_content_json(self, content):
        page = super().with_content_json(content)
        page.admin_group_id = self.admin_group_id
        page.tutor_group_id = self.tutor_group_id
        page.collection_id = self.collection_id
        return page

    @property
    def is_open(self) -> bool:
        return self.join_policy == JoinPolicy.OPEN

    def route_url(self, request, name: str) -> str:
        return self.get_url(request) + self.reverse_subpage(name)

    def get_context(self, request, *args, **kwargs):
        """The group, its tutors and where the visitor stands with it."""
        from groups import selectors
        from groups.forms import JoinForm

        context = super().get_context(request, *args, **kwargs)
        membership = selectors.membership_of(self, request.user)
        status = membership.status if membership else ""
        context.update(
            membership=membership,
            is_member=status == MembershipStatus.ACTIVE,
            is_admin=status == MembershipStatus.ACTIVE and membership.role == Role.ADMIN,
            meeting_times=selectors.meeting_times(self),
            tutors=self._tutor_rows(selectors.group_tutors(self)),
        )
        invited = status == MembershipStatus.INVITED
        may_ask = request.user.is_authenticated and not request.user.is_learner_login
        if invited or (may_ask and self.accepting_members and status not in SETTLED):
            context["join_form"] = JoinForm(asks_approval=not self.is_open and not invited)
        return context

    @staticmethod
    def _tutor_rows(tutors) -> list[tuple[str, bool]]:
        """Each tutor's name and whether their check is current (the tutor_items filter
        shows them): a busy group lists hundreds, so rows of five columns rather than four
        model instances apiece."""
        today = timezone.localdate()
        rows = tutors.values_list(
            "user__display_name",
            "user__first_name",
            "user__last_name",
            "user__username",
            "user__tutor_profile__current_check__renewal_date",
        )
        return [
            (
                display_name or f"{first} {last}".strip() or username,
                renewal is not None and renewal >= today,
            )
            for display_name, first, last, username, renewal in rows
        ]

    def _join_message(self, membership) -> str:
        if membership.is_active:
            return _("You are a member of %(group)s.") % {"group": self.title}
        return _("Your request is with the group’s admins. We’ll email you when they decide.")

    @path("join/")
    def join(self, request):
        """Join, ask to join, or accept an invitation; a repeat changes nothing."""
        from groups import selectors, services
        from groups.forms import JoinForm

        if not request.user.is_authenticated:
            return redirect_to_login(self.route_url(request, "join"))
        membership = selectors.membership_of(self, request.user)
        status = membership.status if membership else ""
        if request.method != "POST" and status in SETTLED:
            messages.info(request, self._join_message(membership))
            return redirect(self.get_url(request))
        invited = status == MembershipStatus.INVITED
        form = JoinForm(_posted(request), asks_approval=not self.is_open and not invited)
        if form.is_valid():
            try:
                membership = services.join_group(
                    group=self,
                    user=request.user,
                    message=form.cleaned_data.get("message", ""),
                    share_contact=form.cleaned_data["share_contact"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, self._join_message(membership))
                return redirect(self.get_url(request))
        return self.render(
            request, template="groups/group_join.html", context_overrides={"join_form": form}
        )

    @path("leave/")
    def leave(self, request):
        """Confirm, then leave the group, withdraw a request or turn down an invitation."""
        from groups import selectors, services

        if not request.user.is_authenticated:
            return redirect_to_login(self.route_url(request, "leave"))
        membership = selectors.membership_of(self, request.user)
        if membership is None or membership.status not in CURRENT:
            messages.info(request, _("You are not a member of %(group)s.") % {"group": self.title})
            return redirect(self.get_url(request))
        if request.method != "POST":
            return self.render(request, template="groups/group_leave.html")
        try:
            services.leave_group(group=self, user=request.user)
        except ValidationError as error:
            messages.error(request, _as_text(error))
        else:
            messages.success(request, self._left_message(membership))
        return redirect(self.get_url(request))

    def _left_message(self, membership) -> str:
        names = {"group": self.title}
        if membership.status == MembershipStatus.PENDING:
            return _("Your request to join %(group)s is withdrawn.") % names
        if membership.status == MembershipStatus.INVITED:
            return _("You turned down the invitation from %(group)s.") % names
        return _("You have left %(group)s.") % names

    @path("contact/")
    def contact(self, request):
        """A form that emails the group's admins; their addresses stay private."""
        from groups import services
        from groups.forms import ContactForm

        user = request.user
        initial = {}
        if user.is_authenticated and user.email:
            initial = {"name": user.get_display_name(), "email": user.email}
        form = ContactForm(_posted(request), initial=initial)
        if form.is_valid():
            try:
                if not form.is_from_a_bot():
                    services.contact_group(
                        group=self,
                        sender_name=form.cleaned_data["name"],
                        sender_email=form.cleaned_data["email"],
                        message=form.cleaned_data["message"],
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Thank you. Your message is on its way to the admins of %(group)s.")
                    % {"group": self.title},
                )
                return redirect(self.get_url(request))
        return self.render(
            request, template="groups/group_contact.html", context_overrides={"form": form}
        )

    @path("members/")
    def members(self, request):
        """The members-only list of those who chose to share their contact details."""
        from groups import selectors

        if not selectors.is_active_member(self, request.user):
            raise Http404
        return self.render(
            request,
            template="groups/group_members.html",
            context_overrides={"members": selectors.members_sharing_contact(self)},
        )

    @path("manage/")
    def manage(self, request):
        """For the group's admins: decide requests to join and change members' roles."""
        from groups import selectors

        if not selectors.is_group_admin(self, request.user):
            raise Http404
        if request.method == "POST":
            self._manage_action(request)
            return redirect(self.route_url(request, "manage"))
        return self.render(
            request,
            template="groups/group_manage.html",
            context_overrides={
                "requests": selectors.pending_requests(self),
                "members": selectors.active_members(self),
                "roles": Role.choices,
            },
        )

    def _manage_action(self, request) -> None:
        from groups import services
        from groups.forms import DecisionForm, RoleForm

        form_class = RoleForm if request.POST.get("action") == "role" else DecisionForm
        form = form_class(request.POST, group=self)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return
        membership = form.cleaned_data["membership"]
        names = {"name": membership.user.get_display_name()}
        try:
            if form_class is RoleForm:
                membership = services.change_role(
                    membership=membership, role=form.cleaned_data["role"], by=request.user
                )
                names["role"] = membership.get_role_display().lower()
                messages.success(request, _("%(name)s’s role is now %(role)s.") % names)
            else:
                approve = form.cleaned_data["decision"] == "approve"
                services.decide_membership(membership=membership, approve=approve, by=request.user)
                text = (
                    _("%(name)s is now a member.")
                    if approve
                    else _("%(name)s’s request is declined.")
                )
                messages.success(request, text % names)
        except ValidationError as error:
            messages.error(request, _as_text(error))


class GroupMeetingTime(Orderable):
    """A regular meeting: “Tuesdays 10:00–12:00”."""

    page = ParentalKey(GroupPage, on_delete=models.CASCADE, related_name="meeting_times")
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, help_text=_("The day of the week the group meets.")
    )
    start_time = models.TimeField(_("from"), help_text=_("When it starts, for example 10:00."))
    end_time = models.TimeField(_("to"), help_text=_("When it ends, for example 12:00."))

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("start_time"), FieldPanel("end_time")])
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("meeting time")
        verbose_name_plural = _("meeting times")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="group_meeting_ends_after_start",
                violation_error_message=_("A meeting must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"
