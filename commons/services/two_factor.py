"""Writes for two-step login: setting up an authenticator app, backup codes, turning it off."""

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from commons.two_factor import has_two_factor

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


@dataclass(frozen=True)
class CodeCheck:
    """What checking a code found: the device that took it, or how long to wait."""

    device: Device | None = None
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.device is not None


def normalise(code: str) -> str:
    """Forgive the spaces, dashes and capitals people type codes with."""
    return re.sub(r"[\s-]", "", code or "").lower()


def _check(device, code: str) -> CodeCheck:
    """Check `code` on a row-locked `device`; a wrong code is recorded (django-otp's throttle)."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        wait = (info["locked_until"] - timezone.now()).total_seconds()
        return CodeCheck(wait_seconds=max(1, math.ceil(wait)))
    if device.verify_token(code):
        return CodeCheck(device=device)
    return CodeCheck()


def check_code(*, user, code: str) -> CodeCheck:
    """Check a code from `user`'s app (6 digits) or one of their backup codes (used up)."""
    code = normalise(code)
    model = TOTPDevice if re.fullmatch(r"\d{6}", code) else StaticDevice
    # The row lock makes two requests with one code (a double submit, two workers) take
    # turns: the second finds the code used and is refused.
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return CodeCheck()
        return _check(device, code)


@transaction.atomic
def start_setup(*, user) -> TOTPDevice:
    """Make a new key for `user`'s app, not yet in use until `confirm_setup` proves it works."""
    if has_two_factor(user):
        raise ValidationError(_("Two-step login is already on for your account."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def unconfirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def confirm_setup(*, user, code: str) -> tuple[CodeCheck, list[str]]:
    """Turn two-step login on once `code` shows the app has the key; make backup codes.

    Returns the check and, when it passed, the new backup codes (shown once).
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None:
            raise ValidationError(_("Start again: that setup key is no longer in use."))
        check = _check(device, normalise(code))
        if not check.ok:
            return check, []
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return check, _replace_backup_codes(user)


def _replace_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME)
    codes: set[str] = set()
    while len(codes) < settings.TWO_FACTOR_BACKUP_CODES:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


@transaction.atomic
def new_backup_codes(*, user) -> list[str]:
    """Replace `user`'s backup codes with a fresh set: the old ones stop working."""
    if not has_two_factor(user):
        raise ValidationError(_("Two-step login is not on for your account."))
    return _replace_backup_codes(user)


@transaction.atomic
def turn_off(*, user) -> None:
    """Remove `user`'s app and backup codes: their login asks for a password only."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
