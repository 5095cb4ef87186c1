"""The progress tracker: what learners, guardians and tutors see and record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Left, Length
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from commons.choices import RecordPage, ViewerRole
from commons.models import Learner
from commons.selectors import learners_guarded_by
from commons.services.record_views import record_views
from groups import selectors as group_selectors
from groups.choices import EnrolmentStatus, Presence
from groups.models import CoursePage, GroupPage, Session
from groups.rota import current_register, is_session_adult
from groups.selectors import learners_visible_to
from learning import charts, tracker
from learning.choices import LEARNER_LEVEL_LABELS, Level, Source
from learning.forms import (
    EraseForm,
    FollowForm,
    FollowSearchForm,
    ObservationForm,
    SelfAssessForm,
    SessionProgressForm,
)
from learning.models import Evidence, LearningObjective, UnitPage
from learning.selectors import with_publishers


def _visible_learner(request, pk):
    """The learner if the user may see them (the one selector), else 404.

    Their household (themself, their guardians: household_learners' rule, and one of
    learners_visible_to's) is the usual visitor, and the page reads the guardians anyway:
    so the learner and their guardians are read first, plainly, and the household rule
    asked of them in Python; only someone else costs the whole rule's query."""
    user = request.user
    learner = Learner.objects.filter(pk=pk).prefetch_related("guardians").first()
    if learner is None:
        raise Http404
    if learner.user_id is not None and learner.user_id == user.pk:
        # The nav asks whether this login is a learner's (User.is_learner_login): it is
        # this one's, so that costs no query of its own.
        user.learner_profile = learner
        return learner
    if any(guardian.pk == user.pk for guardian in learner.guardians.all()):
        return learner
    if not learners_visible_to(user).filter(pk=pk).exists():
        raise Http404
    return learner


def _guarded_learner(request, pk):
    """The learner if the user is one of their guardians, else 404.

    Their guardians are one of learners_visible_to's rules, so the guardians' selector
    alone decides; intersecting the two cost the dashboard a fifth of its time."""
    return get_object_or_404(learners_guarded_by(request.user), pk=pk)


def _log_outside_view(request, learner, page: str, guardians) -> None:
    """Log a view of one learner's record by someone outside their family (issue 10)."""
    user = request.user
    if learner.user_id == user.pk or any(guardian.pk == user.pk for guardian in guardians):
        return
    role, group_name = group_selectors.role_towards_learner(user, learner)
    record_views(learners=[learner], viewer=user, page=page, role=role, group_name=group_name)


def _with_learner_words(statuses):
    for status in statuses:
        status.current_words = LEARNER_LEVEL_LABELS[Level(status.level)]
        if status.own:
            status.own_words = LEARNER_LEVEL_LABELS[Level(status.own.level)]
    return statuses


# The learner's own page, and each unit on a page of its own


@never_cache
@login_required
@require_http_methods(["GET"])
def learner_page(request, pk):
    """ "What I'm learning": each followed curriculum unit by unit, in counts of where the
    adults say I am and where I think; each unit's objectives are on the unit's page."""
    learner = _visible_learner(request, pk)
    guardians = list(learner.guardians.all())
    _log_outside_view(request, learner, RecordPage.LEARNER_PAGE, guardians)
    context = {
        "learner": learner,
        "summary": tracker.progress_summary(learner),
        "unit_url": _unit_url_stem(learner),
        "is_self": learner.user_id == request.user.pk,
        "guardians": guardians,
    }
    return render(request, "learning/learner_page.html", context)


@never_cache
@login_required
@require_http_methods(["GET"])
def learner_unit(request, pk, unit_id):
    """One followed unit, objective by objective: where the adults say the learner is and
    where they think. The learner says where they think; a guardian adds what they saw."""
    learner = _visible_learner(request, pk)
    progress = tracker.unit_progress(learner, unit_id)
    if progress is None:
        raise Http404
    guardians = list(learner.guardians.all())
    _log_outside_view(request, learner, RecordPage.LEARNER_UNIT, guardians)
    return _render_unit(request, learner, progress, guardians)


def _unit_url_stem(learner) -> str:
    """The learner's unit pages' address less the unit id: the summaries list a hundred
    units, and reversing each one's URL took longer than the rest of the page."""
    return reverse("learning:learner_unit", args=[learner.pk, 0]).removesuffix("0/")


def _render_unit(request, learner, progress, guardians, observation_form=None, status=200):
    is_guardian = any(guardian.pk == request.user.pk for guardian in guardians)
    context = {
        "learner": learner,
        "progress": progress,
        "objectives": _with_learner_words(progress.objectives),
        "is_self": learner.user_id == request.user.pk,
        "is_guardian": is_guardian,
        "guardians": guardians,
        "choices": list(LEARNER_LEVEL_LABELS.items()),
    }
    if is_guardian:
        context["observation_form"] = observation_form or ObservationForm(
            objectives=progress.objectives
        )
    return render(request, "learning/learner_unit.html", context, status=status)


@never_cache
@login_required
@require_POST
def self_assess(request, pk, objective_id):
    """Record where a learner thinks they are with one objective (their own login only)."""
    learner = _visible_learner(request, pk)
    if learner.user_id != request.user.pk:
        raise Http404
    # Only an objective of a published unit of something the learner follows: any other
    # (a draft's, say) answers 404 rather than a message that names it.
    objective = get_object_or_404(
        LearningObjective.objects.select_related("page"), pk=objective_id, page__live=True
    )
    curriculum_path = Page._get_parent_path_from_path(objective.page.path)
    if not tracker.followed_curricula(learner).filter(path=curriculum_path).exists():
        raise Http404
    form = SelfAssessForm(request.POST)
    page = reverse("learning:learner_unit", args=[learner.pk, objective.page_id])
    if not form.is_valid():
        messages.error(request, _("Pick one of the four answers, then press Save."))
        return redirect(f"{page}#objective-{objective.pk}")
    try:
        tracker.record_entry(
            learner=learner,
            objective=objective,
            level=form.cleaned_data["level"],
            source=Source.SELF,
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Saved: “%(statement)s” – %(words)s.")
            % {
                "statement": objective.statement,
                "words": LEARNER_LEVEL_LABELS[Level(form.cleaned_data["level"])],
            },
        )
    return redirect(f"{page}#objective-{objective.pk}")


# The guardian's dashboard

CHART_WEEKS = 26


def _dashboard_context(learner, observe_error: str = "") -> dict:
    summary = tracker.progress_summary(learner, history_weeks=CHART_WEEKS)
    weeks = tracker.achieved_by_week(summary)
    return {
        "learner": learner,
        "summary": summary,
        "unit_url": _unit_url_stem(learner),
        "recent": tracker.recent_entries(learner),
        "weeks": weeks,
        "chart": charts.achieved_chart(weeks, total=summary.total),
        "total": summary.total,
        "observe_error": observe_error,
        "search_form": FollowSearchForm(),
    }


@never_cache
@login_required
@require_http_methods(["GET"])
def guardian_dashboard(request, pk):
    """A child's progress for their guardians: each curriculum unit by unit in counts,
    recent changes, a chart over time, and ways to add an observation or a curriculum."""
    learner = _guarded_learner(request, pk)
    return render(request, "learning/guardian_dashboard.html", _dashboard_context(learner))


def _observed_unit(learner, objective_id) -> tracker.UnitProgress | None:
    """The followed unit of the objective a guardian posted, if there is one."""
    try:
        objective_id = int(objective_id)
    except (TypeError, ValueError):
        return None
    unit_ids = LearningObjective.objects.filter(pk=objective_id).values_list("page_id", flat=True)
    unit_id = unit_ids.first()
    return tracker.unit_progress(learner, unit_id) if unit_id else None


@never_cache
@login_required
@require_POST
def guardian_observe(request, pk):
    """Record a guardian's home observation on an objective of a followed unit, with
    optional evidence, and go back to the unit's page."""
    learner = _guarded_learner(request, pk)
    progress = _observed_unit(learner, request.POST.get("objective"))
    if progress is None:
        error = _("Choose the objective you saw on the page of one of %(name)s's units.")
        context = _dashboard_context(learner, observe_error=error % {"name": learner})
        return render(request, "learning/guardian_dashboard.html", context, status=400)
    form = ObservationForm(request.POST, request.FILES, objectives=progress.objectives)
    if form.is_valid():
        objective = form.chosen_objective()
        try:
            tracker.record_entry(
                learner=learner,
                objective=objective,
                level=form.cleaned_data["level"],
                source=Source.GUARDIAN,
                note=form.cleaned_data["note"],
                by=request.user,
                evidence_file=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            form.add_error("evidence" if form.cleaned_data["evidence"] else None, error)
        else:
            messages.success(request, _("Your observation is saved."))
            page = reverse("learning:learner_unit", args=[learner.pk, progress.unit.pk])
            return redirect(f"{page}#objective-{objective.pk}")
    guardians = list(learner.guardians.all())
    return _render_unit(request, learner, progress, guardians, observation_form=form, status=400)


FOLLOW_PAGE_SIZE = 20


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def guardian_follow(request, pk):
    """Find a curriculum in the library, by words in its title or summary and a page at
    a time, and add it to the child's tracker."""
    learner = _guarded_learner(request, pk)
    following = list(tracker.followed_curricula(learner).values_list("pk", flat=True))
    form = FollowForm(request.POST if request.method == "POST" else None, following=following)
    if form.is_valid():
        curriculum = form.cleaned_data["curriculum"]
        tracker.follow(learner=learner, curriculum=curriculum, by=request.user)
        messages.success(
            request,
            _("%(name)s now follows “%(title)s”.") % {"name": learner, "title": curriculum.title},
        )
        return redirect("learning:guardian_dashboard", pk=learner.pk)
    search = FollowSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    library = Paginator(
        tracker.curricula_to_follow(following=following, query=query), FOLLOW_PAGE_SIZE
    )
    results = library.get_page(request.GET.get("page"))
    context = {
        "learner": learner,
        "form": form,
        "search_form": search,
        "query": query,
        "results": results,
        "curricula": with_publishers(results),
        "page_range": library.get_elided_page_range(results.number, on_each_side=1, on_ends=1),
    }
    status = 400 if form.is_bound else 200
    return render(request, "learning/guardian_follow.html", context, status=status)


@never_cache
@login_required
@require_POST
def guardian_unfollow(request, pk, curriculum_id):
    """Take a curriculum the guardians added off the tracker; its history stays."""
    learner = _guarded_learner(request, pk)
    # Only what the learner follows: another id (a draft's) must not have its title shown.
    curriculum = get_object_or_404(tracker.followed_curricula(learner), pk=curriculum_id)
    tracker.unfollow(learner=learner, curriculum=curriculum, by=request.user)
    messages.success(
        request,
        _("“%(title)s” is off %(name)s's list. What they recorded stays in their record.")
        % {"title": curriculum.title, "name": learner},
    )
    return redirect("learning:guardian_dashboard", pk=learner.pk)


# Evidence files


@never_cache
@login_required
@require_http_methods(["GET"])
def evidence_download(request, pk):
    """Stream an evidence file to someone who may see its learner; 404 for anyone else."""
    evidence = get_object_or_404(
        Evidence.objects.filter(entry__learner__in=learners_visible_to(request.user))
        .select_related("entry__learner")
        .prefetch_related("entry__learner__guardians"),
        pk=pk,
    )
    learner = evidence.entry.learner
    _log_outside_view(request, learner, RecordPage.EVIDENCE, learner.guardians.all())
    try:
        stored = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    filename = get_valid_filename(evidence.original_name) or f"evidence-{evidence.pk}"
    response = FileResponse(
        stored, as_attachment=True, filename=filename, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The portable record and erasure


@never_cache
@login_required
@require_http_methods(["GET"])
def record_zip(request, pk):
    """The child's whole record as a ZIP: JSON, CSV and the evidence files."""
    learner = _guarded_learner(request, pk)
    response = HttpResponse(tracker.export_record(learner), content_type="application/zip")
    filename = get_valid_filename(f"{learner.name}-record.zip") or "record.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_http_methods(["GET"])
def record_print(request, pk):
    """The child's whole record as a page to print."""
    learner = _guarded_learner(request, pk)
    record = tracker.learner_record(learner)
    return render(request, "learning/record_print.html", {"learner": learner, "record": record})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def learner_erase(request, pk):
    """Confirm, then erase a child and everything held about them."""
    learner = _guarded_learner(request, pk)
    form = EraseForm(request.POST or None, learner=learner)
    if form.is_valid():
        name = learner.name
        tracker.erase_learner(learner=learner, by=request.user)
        messages.success(
            request, _("%(name)s and everything held about them are erased.") % {"name": name}
        )
        return redirect("commons:household")
    counts = {
        "entries": learner.progress_entries.count(),
        "evidence": Evidence.objects.filter(entry__learner=learner).count(),
        "enrolments": learner.enrolments.count(),
        "attendance": learner.attendance.count(),
    }
    return render(
        request,
        "learning/guardian_erase.html",
        {"learner": learner, "form": form, "counts": counts},
        status=400 if form.is_bound else 200,
    )


# The tutor's side: a session's progress grid and a course's overview


def _not_for_learner_logins(request) -> None:
    if request.user.is_learner_login:
        raise Http404


def _grid_learners(session, user) -> tuple[list, bool]:
    """The learners marked present or late on the session's register (the latest mark
    counts), or every enrolled learner when no register has been taken yet."""
    learners = list(group_selectors.learners_on_session(session, user))
    marks = current_register(session)["learners"]
    if not marks:
        return learners, False
    there = {Presence.PRESENT, Presence.LATE}
    return [learner for learner in learners if marks.get(learner.pk) in there], True


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def session_progress(request, pk):
    """Record a session's progress in one grid: a level per learner per objective of its
    unit, and a note per learner. For its lead and helpers; its group's admins may read."""
    _not_for_learner_logins(request)
    session = get_object_or_404(Session.objects.select_related("course", "unit"), pk=pk)
    group = group_selectors.group_of_course(session.course)
    may_record = is_session_adult(session, request.user)
    if not may_record and not group_selectors.is_group_admin(group, request.user):
        raise Http404
    learners, from_register = _grid_learners(session, request.user)
    objectives = list(tracker.session_objectives(session))
    current = tracker.latest_adult_levels(
        learner_ids=[learner.pk for learner in learners],
        objective_ids=[objective.pk for objective in objectives],
    )
    form = SessionProgressForm(
        request.POST if request.method == "POST" else None,
        learners=learners,
        objectives=objectives,
        current=current,
        disabled=not may_record,
    )
    if request.method == "POST":
        if not may_record:
            raise Http404
        if form.is_valid():
            return _save_session_progress(request, session, form)
    record_views(
        learners=learners,
        viewer=request.user,
        page=RecordPage.SESSION_PROGRESS,
        role=ViewerRole.TUTOR if may_record else ViewerRole.GROUP_ADMIN,
        group_name=group.title,
        about=session.course.title,
    )
    context = {
        "session": session,
        "group": group,
        "form": form,
        "may_record": may_record,
        "from_register": from_register,
        "objectives": objectives,
    }
    return render(request, "learning/session_progress.html", context)


def _save_session_progress(request, session, form):
    try:
        added = tracker.record_session_progress(
            session=session, by=request.user, levels=form.levels(), notes=form.notes()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if added:
            messages.success(
                request,
                ngettext(
                    "Saved: %(count)s level recorded.", "Saved: %(count)s levels recorded.", added
                )
                % {"count": added},
            )
        else:
            messages.info(request, _("Nothing had changed, so nothing new was recorded."))
    return redirect("learning:session_progress", pk=session.pk)


def _level_label(level: int | None) -> str:
    """A level in words for a cell: the colour is never the only sign."""
    return Level(level).label if level is not None else _("Not recorded")


def _names_units() -> Exists:
    """Whether the outer query's course names the units it covers."""
    return Exists(CoursePage.units.through.objects.filter(coursepage_id=OuterRef("pk")))


def _group_title() -> Subquery:
    """The title of the outer query's course's group (a course is its group's child page):
    read with the course, the page needs no group page of its own."""
    path = OuterRef("path")
    parent = Left(path, Length(path) - GroupPage.steplen)
    return Subquery(GroupPage.objects.filter(path=parent).values("title")[:1])


def _course_objectives(course) -> list:
    """The current objectives of the units the course covers, else of its curriculum's
    live units, in curriculum order, each with its unit's `unit_title`. One query, of the
    fields the page shows: a Wagtail page per objective cost more than the rest of it.

    `names_units` (annotated on the course with its other reads) picks one of the two
    rules: both in one query, ORed, made PostgreSQL scan every objective in the city."""
    if course.names_units:
        through = CoursePage.units.through.objects.filter(coursepage_id=course.pk)
        covered = Q(page__in=through.values("unitpage_id"))
    elif course.curriculum_id:
        covered = Q(page__in=UnitPage.objects.live().child_of(course.curriculum).values("pk"))
    else:
        return []
    return list(
        LearningObjective.objects.filter(covered, retired=False)
        .order_by("page__path", "sort_order", "pk")
        .only("pk", "page_id", "statement")
        .annotate(unit_title=F("page__title"))
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def course_overview(request, pk):
    """Learners × objectives of a course: each learner's current level (colour and words)
    and how many have achieved each objective. For its group's admins and its session
    adults. A fixed number of queries, however long the history."""
    _not_for_learner_logins(request)
    courses = group_selectors.with_overview_access(CoursePage.objects.all(), request.user)
    courses = courses.select_related("curriculum").annotate(
        names_units=_names_units(), group_title=_group_title()
    )
    course = get_object_or_404(courses, pk=pk)
    if not course.user_is_adult and not course.user_is_admin:
        raise Http404
    # Its group's admins see every learner enrolled on it by learners_visible_to's own
    # admin rule, known already from the access annotation: asking the rules again cost a
    # subquery over every course in the city, most of the page's time.
    visible = Learner.objects.all() if course.user_is_admin else learners_visible_to(request.user)
    # Only what the page and the view log read of each learner.
    learners = list(
        visible.filter(enrolments__course=course, enrolments__status=EnrolmentStatus.ACTIVE)
        .order_by("name", "pk")
        .only("name", "user_id")
    )
    objectives = _course_objectives(course)
    levels = tracker.latest_adult_levels(
        learner_ids=[learner.pk for learner in learners],
        objective_ids=[objective.pk for objective in objectives],
    )
    achieved_at = course.curriculum.achieved_level if course.curriculum else Level.SECURE
    # A cell's markup depends on its level alone: written once per level and joined per
    # row, since a template loop over a city course's 1,000 cells took most of the page.
    labels = {level: _level_label(level) for level in [None, *Level.values]}
    cell_html = {
        level: format_html(
            '<td><span class="level level--{}">{}</span></td>',
            "none" if level is None else level,
            label,
        )
        for level, label in labels.items()
    }
    rows = []
    for objective in objectives:
        cells = [
            {"learner": learner, "level": level, "label": labels[level]}
            for learner in learners
            for level in [levels.get((learner.pk, objective.pk))]
        ]
        achieved = sum(
            1 for cell in cells if cell["level"] is not None and cell["level"] >= achieved_at
        )
        cells_html = mark_safe("".join(cell_html[cell["level"]] for cell in cells))  # noqa: S308
        rows.append(
            {"objective": objective, "cells": cells, "cells_html": cells_html, "achieved": achieved}
        )
    record_views(
        learners=learners,
        viewer=request.user,
        page=RecordPage.COURSE_OVERVIEW,
        role=ViewerRole.TUTOR if course.user_is_adult else ViewerRole.GROUP_ADMIN,
        group_name=course.group_title,
        about=course.title,
    )
    context = {
        "course": course,
        "group_title": course.group_title,
        "learners": learners,
        "rows": rows,
        "achieved_label": Level(achieved_at).label,
        "key": [(level.value, level.label) for level in Level],
    }
    return render(request, "learning/course_overview.html", context)
