"""Two-step login: the code step after the password, and turning it on and off.

A person who has turned it on gives their password on the login page as usual; instead of
logging them in, the login page remembers (in the session, for a few minutes) that the
password was right and asks for a code from their authenticator app or a backup code. A
wrong code counts as a wrong password for the lockout (django-axes).
"""

import time
from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from commons.forms_two_factor import CodeForm
from commons.services import two_factor as services
from commons.two_factor import backup_codes_left, has_two_factor, may_turn_on, needs_code

# Session keys: a right password waiting for its code, and backup codes to show once.
PENDING = "two_factor_pending"
NEW_CODES = "two_factor_new_codes"


class LoginView(auth_views.LoginView):
    """Django's login page; for someone with two-step login on, the password is step one."""

    def form_valid(self, form):
        user = form.get_user()
        if not has_two_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "since": int(time.time()),
        }
        return redirect("commons:two_factor_verify")


def admin_login(request):
    """The Wagtail admin's own login page would skip the code step: use the site's."""
    return auth_views.redirect_to_login(
        request.GET.get("next") or settings.ADMIN_URL_PREFIX, login_url=resolve_url("login")
    )


def _safe_next(request, default) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return resolve_url(default)


def _pending(request):
    """Return (user, pending login) for a right password still waiting for its code."""
    data = request.session.get(PENDING)
    if not data:
        return None, None
    user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
    expired = time.time() - data["since"] > settings.TWO_FACTOR_PENDING_SECONDS
    if user is None or expired or not has_two_factor(user):
        del request.session[PENDING]
        return None, None
    return user, data


def _refusal(check) -> str:
    if check.wait_seconds:
        return ngettext(
            "Too many wrong codes in a row. Wait %(count)d second, then try again.",
            "Too many wrong codes in a row. Wait %(count)d seconds, then try again.",
            check.wait_seconds,
        ) % {"count": check.wait_seconds}
    return _(
        "That code did not work. Type the code your app shows now (it changes every 30 "
        "seconds), or a backup code you have not used before."
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """Ask for the code: after the password, or for a session the admin wants one from."""
    user, pending = _pending(request)
    if user is not None:
        next_url = pending["next"]
    elif request.user.is_authenticated:
        user = request.user
        next_url = _safe_next(request, settings.LOGIN_REDIRECT_URL)
        if not needs_code(user):
            return redirect(next_url)
    else:
        messages.info(request, _("Log in with your username and password first."))
        return redirect("login")

    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING, None)
        return get_lockout_response(request, None, credentials)

    form = CodeForm(request.POST or None)
    if form.is_valid():
        check = services.check_code(user=user, code=form.cleaned_data["code"])
        if check.ok:
            if pending is not None:
                del request.session[PENDING]
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, check.device)
            if isinstance(check.device, StaticDevice):
                left = backup_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a backup code: you have %(count)d left.",
                        "You used a backup code: you have %(count)d left.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
        # A wrong code is a wrong password to the lockout: the same count, the same pause.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING, None)
            if pending is None:
                logout(request)
            return get_lockout_response(request, None, credentials)
        form.add_error("code", _refusal(check))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": next_url, "signed_in": pending is None},
    )


def _group(text: str, size: int = 4) -> str:
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


@login_required
@require_POST
def turn_on(request):
    if not may_turn_on(request.user):
        raise Http404
    try:
        services.start_setup(user=request.user)
    except ValidationError as error:
        messages.info(request, error.messages[0])
        return redirect("commons:account")
    return redirect("commons:two_factor_setup")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Show the key for the app (as text and a QR code) and check the code it then shows."""
    user = request.user
    if not may_turn_on(user):
        raise Http404
    device = services.unconfirmed_device(user)
    if device is None:
        if has_two_factor(user):
            messages.info(request, _("Two-step login is already on for your account."))
        return redirect("commons:account")
    form = CodeForm(request.POST or None, backup_codes_allowed=False)
    if form.is_valid():
        check, codes = services.confirm_setup(user=user, code=form.cleaned_data["code"])
        if check.ok:
            otp_login(request, check.device)
            request.session[NEW_CODES] = codes
            messages.success(
                request,
                _("Two-step login is on. From now on, logging in asks for a code from your app."),
            )
            return redirect("commons:two_factor_backup_codes")
        form.add_error("code", _refusal(check))
    # segno writes the SVG itself, escaping what it puts in; the page needs no script.
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, omitsize=True, svgclass="two-factor__qr-image"
    )
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "key": _group(_base32_key(device)),
            "config_url": device.config_url,
            "qr_svg": mark_safe(qr_svg),  # noqa: S308 - segno's own markup, no user input
        },
    )


def _base32_key(device) -> str:
    return b32encode(device.bin_key).decode().rstrip("=")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """Show new backup codes once; make a fresh set (the old ones stop working) for a code."""
    user = request.user
    if not has_two_factor(user):
        return redirect("commons:account")
    codes = request.session.pop(NEW_CODES, None)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        check = services.check_code(user=user, code=form.cleaned_data["code"])
        if check.ok:
            request.session[NEW_CODES] = services.new_backup_codes(user=user)
            messages.success(
                request, _("Here are your new backup codes: the old ones no longer work.")
            )
            return redirect("commons:two_factor_backup_codes")
        form.add_error("code", _refusal(check))
    return render(
        request,
        "registration/two_factor_backup_codes.html",
        {
            "form": form,
            "codes": [_group(code) for code in codes or []],
            "left": backup_codes_left(user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def turn_off(request):
    """Turn two-step login off, for a current code: a borrowed session alone cannot."""
    user = request.user
    if not has_two_factor(user):
        messages.info(request, _("Two-step login is already off for your account."))
        return redirect("commons:account")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        check = services.check_code(user=user, code=form.cleaned_data["code"])
        if check.ok:
            services.turn_off(user=user)
            messages.success(
                request, _("Two-step login is off: logging in asks for your password only.")
            )
            return redirect("commons:account")
        form.add_error("code", _refusal(check))
    return render(request, "registration/two_factor_turn_off.html", {"form": form})
