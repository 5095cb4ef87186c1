"""The progress tracker: what learners, guardians and tutors see and record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from commons.selectors import learners_guarded_by
from groups import selectors as group_selectors
from groups.choices import EnrolmentStatus, Presence
from groups.models import CoursePage, Session
from groups.rota import current_register, is_session_adult
from groups.selectors import learners_visible_to
from learning import charts, tracker
from learning.choices import LEARNER_LEVEL_LABELS, Level, Source
from learning.forms import (
    EraseForm,
    FollowForm,
    ObservationForm,
    SelfAssessForm,
    SessionProgressForm,
)
from learning.models import CurriculumPage, Evidence, LearningObjective, UnitPage


def _visible_learner(request, pk):
    """The learner if the user may see them (the one selector), else 404."""
    return get_object_or_404(learners_visible_to(request.user).prefetch_related("guardians"), pk=pk)


def _guarded_learner(request, pk):
    """The learner if the user is one of their guardians, else 404."""
    queryset = learners_visible_to(request.user).filter(
        pk__in=learners_guarded_by(request.user).values("pk")
    )
    return get_object_or_404(queryset, pk=pk)


def _with_learner_words(progress):
    for item in progress:
        for unit in item.units:
            for status in unit.objectives:
                status.current_words = LEARNER_LEVEL_LABELS[Level(status.level)]
                if status.own:
                    status.own_words = LEARNER_LEVEL_LABELS[Level(status.own.level)]
    return progress


# The learner's own page


@never_cache
@login_required
@require_http_methods(["GET"])
def learner_page(request, pk):
    """ "What I'm learning": each objective, where the adults say I am and where I think."""
    learner = _visible_learner(request, pk)
    progress = _with_learner_words(tracker.learner_progress(learner))
    return render(
        request,
        "learning/learner_page.html",
        {
            "learner": learner,
            "progress": progress,
            "is_self": learner.user_id == request.user.pk,
            "guardians": list(learner.guardians.all()),
            "choices": list(LEARNER_LEVEL_LABELS.items()),
        },
    )


@never_cache
@login_required
@require_POST
def self_assess(request, pk, objective_id):
    """Record where a learner thinks they are with one objective (their own login only)."""
    learner = _visible_learner(request, pk)
    if learner.user_id != request.user.pk:
        raise Http404
    objective = get_object_or_404(LearningObjective, pk=objective_id)
    form = SelfAssessForm(request.POST)
    page = reverse("learning:learner_page", args=[learner.pk])
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


def _dashboard_context(learner, observation_form=None, follow_form=None):
    progress, history = tracker.learner_progress_and_history(learner)
    progress = _with_learner_words(progress)
    weeks = tracker.achieved_by_week(progress, history)
    total = sum(item.total for item in progress)
    following = [item.curriculum.pk for item in progress]
    return {
        "learner": learner,
        "progress": progress,
        "added_by_guardian": {
            item.curriculum.pk for item in progress if item.curriculum.added_by_guardian
        },
        "recent": tracker.recent_entries(learner),
        "weeks": weeks,
        "chart": charts.achieved_chart(weeks, total=total),
        "total": total,
        "observation_form": observation_form or ObservationForm(progress=progress),
        "follow_form": follow_form or FollowForm(following=following),
    }


@never_cache
@login_required
@require_http_methods(["GET"])
def guardian_dashboard(request, pk):
    """A child's progress for their guardians: per unit, recent changes, their own view,
    a chart over time, and forms to add an observation or follow a curriculum."""
    learner = _guarded_learner(request, pk)
    return render(request, "learning/guardian_dashboard.html", _dashboard_context(learner))


@never_cache
@login_required
@require_POST
def guardian_observe(request, pk):
    """Record a guardian's home observation, with optional evidence."""
    learner = _guarded_learner(request, pk)
    progress = tracker.learner_progress(learner)
    form = ObservationForm(request.POST, request.FILES, progress=progress)
    if form.is_valid():
        objective = get_object_or_404(LearningObjective, pk=form.cleaned_data["objective"])
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
            return redirect("learning:guardian_dashboard", pk=learner.pk)
    context = _dashboard_context(learner, observation_form=form)
    return render(request, "learning/guardian_dashboard.html", context, status=400)


@never_cache
@login_required
@require_POST
def guardian_follow(request, pk):
    """Add a curriculum from the library to the child's tracker."""
    learner = _guarded_learner(request, pk)
    following = list(tracker.followed_curricula(learner).values_list("pk", flat=True))
    form = FollowForm(request.POST, following=following)
    if form.is_valid():
        curriculum = form.cleaned_data["curriculum"]
        tracker.follow(learner=learner, curriculum=curriculum, by=request.user)
        messages.success(
            request,
            _("%(name)s now follows “%(title)s”.") % {"name": learner, "title": curriculum.title},
        )
        return redirect("learning:guardian_dashboard", pk=learner.pk)
    context = _dashboard_context(learner, follow_form=form)
    return render(request, "learning/guardian_dashboard.html", context, status=400)


@never_cache
@login_required
@require_POST
def guardian_unfollow(request, pk, curriculum_id):
    """Take a curriculum the guardians added off the tracker; its history stays."""
    learner = _guarded_learner(request, pk)
    curriculum = get_object_or_404(CurriculumPage, pk=curriculum_id)
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
        Evidence.objects.filter(entry__learner__in=learners_visible_to(request.user)), pk=pk
    )
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


def _course_objectives(course) -> list:
    """The current objectives of the units the course covers, else of its curriculum's
    live units, in curriculum order, each with its `page` (unit). One query."""
    covered = Q(page__in=course.units.values("pk"))
    if course.curriculum_id:
        names_units = Exists(course.units.through.objects.filter(coursepage_id=course.pk))
        curriculum_units = UnitPage.objects.live().child_of(course.curriculum).values("pk")
        covered |= Q(~names_units, page__in=curriculum_units)
    return list(
        LearningObjective.objects.filter(covered, retired=False)
        .select_related("page")
        .order_by("page__path", "sort_order", "pk")
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
    course = get_object_or_404(courses.select_related("curriculum"), pk=pk)
    if not course.user_is_adult and not course.user_is_admin:
        raise Http404
    group = group_selectors.group_of_course(course)
    learners = list(
        learners_visible_to(request.user)
        .filter(enrolments__course=course, enrolments__status=EnrolmentStatus.ACTIVE)
        .order_by("name", "pk")
    )
    objectives = _course_objectives(course)
    levels = tracker.latest_adult_levels(
        learner_ids=[learner.pk for learner in learners],
        objective_ids=[objective.pk for objective in objectives],
    )
    achieved_at = course.curriculum.achieved_level if course.curriculum else Level.SECURE
    rows = []
    for objective in objectives:
        cells = [
            {"learner": learner, "level": level, "label": _level_label(level)}
            for learner in learners
            for level in [levels.get((learner.pk, objective.pk))]
        ]
        achieved = sum(
            1 for cell in cells if cell["level"] is not None and cell["level"] >= achieved_at
        )
        rows.append({"objective": objective, "cells": cells, "achieved": achieved})
    context = {
        "course": course,
        "group": group,
        "learners": learners,
        "rows": rows,
        "achieved_label": Level(achieved_at).label,
        "key": [(level.value, level.label) for level in Level],
    }
    return render(request, "learning/course_overview.html", context)
