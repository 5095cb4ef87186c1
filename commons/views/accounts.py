"""Accounts and households: signing up, the profile, a household's learners and invitations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from commons import selectors, services, two_factor
from commons.forms import (
    GuardianInviteForm,
    LearnerForm,
    LearnerLoginForm,
    ProfileForm,
    SignupForm,
)
from commons.models import LearnerRecordView

# How many views of a child's record their page lists; the rest are a page away.
RECENT_VIEWS = 20
RECORD_VIEWS_PAGE_SIZE = 50


def _adult_required(request):
    """Learner logins see only their own page: to them the household pages do not exist."""
    if request.user.is_learner_login:
        raise Http404


def _guarded_learner(request, pk):
    _adult_required(request)
    return get_object_or_404(selectors.learners_guarded_by(request.user), pk=pk)


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("commons:account")
    form = SignupForm(request.POST or None)
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome, %(name)s. Your account is ready.") % {"name": user})
        next_url = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(next_url)
        return redirect("commons:household")
    return render(request, "commons/signup.html", {"form": form})


@login_required
def account(request):
    if request.user.is_learner_login:
        return redirect("commons:learner_detail", pk=request.user.learner_profile.pk)
    return render(
        request,
        "commons/account.html",
        {
            "learners": selectors.household_for(request.user),
            "two_factor": two_factor.status_for(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    _adult_required(request)
    form = ProfileForm(request.POST or None, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("commons:account")
    return render(request, "commons/profile_form.html", {"form": form})


@login_required
def household(request):
    _adult_required(request)
    return render(
        request,
        "commons/household.html",
        {"learners": selectors.household_for(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def learner_add(request):
    _adult_required(request)
    form = LearnerForm(request.POST or None)
    if form.is_valid():
        details = {k: v for k, v in form.cleaned_data.items() if k not in {"name", "creation_key"}}
        try:
            learner = services.add_learner(
                guardian=request.user,
                name=form.cleaned_data["name"],
                creation_key=form.cleaned_data.get("creation_key"),
                **details,
            )
        except ValidationError as error:
            # Show the details again on a fresh form, which carries a new key.
            messages.error(request, error.messages[0])
            form = LearnerForm(initial={"name": form.cleaned_data["name"], **details})
        else:
            messages.success(request, _("%(name)s is added to your household.") % {"name": learner})
            return redirect("commons:learner_detail", pk=learner.pk)
    return render(request, "commons/learner_form.html", {"form": form})


@login_required
def learner_detail(request, pk):
    queryset = selectors.household_learners(request.user).prefetch_related("guardians")
    learner = get_object_or_404(queryset.select_related("user"), pk=pk)
    is_guardian = any(g.pk == request.user.pk for g in learner.guardians.all())
    context = {"learner": learner, "is_guardian": is_guardian}
    if is_guardian:
        context["invitations"] = learner.invitations.open()
        views = list(LearnerRecordView.objects.of(learner)[: RECENT_VIEWS + 1])
        context["record_views"] = views[:RECENT_VIEWS]
        context["more_record_views"] = len(views) > RECENT_VIEWS
    return render(request, "commons/learner_detail.html", context)


@login_required
@require_http_methods(["GET"])
def learner_record_views(request, pk):
    """Everyone outside the family who has looked at a child's record: for its guardians."""
    learner = _guarded_learner(request, pk)
    views = Paginator(LearnerRecordView.objects.of(learner), RECORD_VIEWS_PAGE_SIZE)
    results = views.get_page(request.GET.get("page"))
    context = {
        "learner": learner,
        "results": results,
        "page_range": views.get_elided_page_range(results.number, on_each_side=1, on_ends=1),
    }
    return render(request, "commons/learner_record_views.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def learner_edit(request, pk):
    learner = _guarded_learner(request, pk)
    form = LearnerForm(request.POST or None, instance=learner)
    if form.is_valid():
        form.save()
        messages.success(request, _("%(name)s's details are saved.") % {"name": learner})
        return redirect("commons:learner_detail", pk=learner.pk)
    return render(request, "commons/learner_form.html", {"form": form, "learner": learner})


@login_required
@require_http_methods(["GET", "POST"])
def learner_remove(request, pk):
    """Erasure lives with the progress tracker, which also removes evidence files."""
    learner = _guarded_learner(request, pk)
    return redirect("learning:learner_erase", pk=learner.pk)


@login_required
@require_http_methods(["GET", "POST"])
def guardian_invite(request, pk):
    learner = _guarded_learner(request, pk)
    form = GuardianInviteForm(request.POST or None, days=settings.GUARDIAN_INVITATION_DAYS)
    if form.is_valid():
        try:
            invitation = services.invite_guardian(
                learner=learner, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("We have emailed an invitation to %(email)s.") % {"email": invitation.email},
            )
            return redirect("commons:learner_detail", pk=learner.pk)
    return render(request, "commons/guardian_invite.html", {"form": form, "learner": learner})


@login_required
@require_http_methods(["GET", "POST"])
def learner_login(request, pk):
    learner = _guarded_learner(request, pk)
    form = LearnerLoginForm(request.POST or None, learner=learner)
    if form.is_valid():
        login_user = services.set_learner_login(
            learner=learner,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            by=request.user,
        )
        messages.success(
            request,
            _("%(name)s can now log in as “%(username)s”.")
            % {"name": learner, "username": login_user.username},
        )
        return redirect("commons:learner_detail", pk=learner.pk)
    return render(request, "commons/learner_login_form.html", {"form": form, "learner": learner})


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = selectors.open_invitation(token)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            learner = services.accept_invitation(token=token, user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("commons:household")
        messages.success(request, _("You are now a guardian of %(name)s.") % {"name": learner})
        return redirect("commons:learner_detail", pk=learner.pk)
    status = 200 if invitation else 410
    return render(
        request, "commons/invitation_accept.html", {"invitation": invitation}, status=status
    )
