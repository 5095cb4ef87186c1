"""Two-step login: who may turn it on, who has it, and the Wagtail admin's guard.

Built on django-otp: an authenticator app's codes (a TOTP device) and one-time backup
codes (a static device). The writes are in commons.services.two_factor; the pages are in
commons.views.two_factor.
"""

from urllib.parse import quote

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def has_two_factor(user) -> bool:
    """Say whether logging in as `user` asks for a code: they have a confirmed app."""
    if not user.is_authenticated:
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def may_turn_on(user) -> bool:
    """Tutors and people with Wagtail admin access may protect their login with a code."""
    if not user.is_authenticated or user.is_learner_login:
        return False
    return hasattr(user, "tutor_profile") or user.has_perm("wagtailadmin.access_admin")


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def needs_code(user) -> bool:
    """Say whether this signed-in session has yet to give the code its user's login needs."""
    return user.is_authenticated and not user.is_verified() and has_two_factor(user)


class AdminTwoFactorMiddleware:
    """Send a session that has not given its two-step code away from the Wagtail admin.

    The login asks for the code, but a session can predate turning two-step login on (in
    another browser, say): the admin is where that matters most, so it asks again there.
    """

    # Logging out needs no code; the admin's login page already sends people to ours.
    ALLOWED = ("logout/", "login/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = settings.ADMIN_URL_PREFIX
        path = request.path_info
        if (
            path.startswith(prefix)
            and not path[len(prefix) :].startswith(self.ALLOWED)
            and needs_code(request.user)
        ):
            verify = reverse("commons:two_factor_verify")
            return redirect(f"{verify}?next={quote(request.get_full_path())}")
        return self.get_response(request)


def status_for(user) -> dict:
    """What the account page says about two-step login for `user`."""
    on = has_two_factor(user)
    return {
        "on": on,
        "may_turn_on": on or may_turn_on(user),
        "codes_left": backup_codes_left(user) if on else 0,
    }
