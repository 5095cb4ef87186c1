"""Book the town's shared spaces: every rule checked, and never a double booking.

Two confirmed bookings of one space never overlap, changeover included (DESIGN.md,
invariant 1). Each write runs in one transaction that first locks the space's row
(PostgreSQL) or holds SQLite's write lock from BEGIN (IMMEDIATE mode), so the clash check
and the insert cannot interleave with another request's; on PostgreSQL an exclusion
constraint backs this up, and a violation still reaches the user as the same message.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commons import faults
from commons.choices import BookingStatus
from commons.models import Booking, BookingSeries, SpacePage, User
from commons.services.mail import send_mail_after_commit

logger = logging.getLogger(__name__)

EXCLUSION_CONSTRAINT = "booking_confirmed_no_overlap"


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _when(start: datetime, end: datetime) -> str:
    """Say a time span as people do: “10:00–11:00 on Tue 3 March 2026”."""
    start, end = _local(start), _local(end)
    return _("%(start)s–%(end)s on %(day)s") % {
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "day": date_format(start, "D j F Y"),
    }


def _hours(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}


def _lock_space(space: SpacePage) -> SpacePage:
    """Lock the space's row until the transaction ends: requests for it queue here."""
    return (
        SpacePage.objects.select_for_update(of=("self",))
        .prefetch_related("opening_periods", "closures")
        .get(pk=space.pk)
    )


def rule_problems(
    *,
    space: SpacePage,
    start: datetime,
    end: datetime,
    group=None,
    now: datetime | None = None,
    exclude: Booking | None = None,
    extra_minutes_this_week: int = 0,
) -> list[str]:
    """Return every rule this booking would break, in words a group admin understands."""
    now = now or timezone.now()
    if end <= start:
        return [_("The booking must end after it starts.")]
    problems = []
    minutes = int((end - start).total_seconds() // 60)
    if minutes < space.min_booking_minutes:
        problems.append(
            _("Bookings at %(space)s must be at least %(length)s long.")
            % {"space": space.title, "length": _hours(space.min_booking_minutes)}
        )
    if minutes > space.max_booking_minutes:
        problems.append(
            _("Bookings at %(space)s can be at most %(length)s long.")
            % {"space": space.title, "length": _hours(space.max_booking_minutes)}
        )
    if start < now + timedelta(hours=space.min_notice_hours):
        problems.append(
            _("Bookings at %(space)s need %(hours)s hours' notice.")
            % {"space": space.title, "hours": space.min_notice_hours}
        )
    if start > now + timedelta(days=space.max_days_ahead):
        problems.append(
            _("%(space)s takes bookings up to %(days)s days ahead.")
            % {"space": space.title, "days": space.max_days_ahead}
        )
    problems += _opening_problems(space, start, end)
    problems += _closure_problems(space, start, end)
    clash = _clash(space, start, end, exclude=exclude)
    if clash is not None:
        problems.append(
            _("%(space)s is booked %(when)s.")
            % {"space": space.title, "when": _when(clash.start, clash.end)}
        )
    if group is not None and space.weekly_quota_hours is not None:
        problems += _quota_problems(space, group, start, minutes + extra_minutes_this_week, exclude)
    return problems


def _opening_problems(space: SpacePage, start: datetime, end: datetime) -> list[str]:
    periods = list(space.opening_periods.all())
    if not periods:
        return []  # No opening hours given: open by arrangement with the managers.
    local_start, local_end = _local(start), _local(end)
    day = local_start.weekday()
    today = [p for p in periods if p.weekday == day]
    fits = local_start.date() == local_end.date() and any(
        p.opens <= local_start.time() and local_end.time() <= p.closes for p in today
    )
    if fits:
        return []
    weekday = date_format(local_start, "l")
    if not today:
        return [_("%(space)s is closed on %(day)ss.") % {"space": space.title, "day": weekday}]
    hours = _(" and ").join(f"{p.opens:%H:%M}–{p.closes:%H:%M}" for p in today)
    return [
        _("%(space)s is open %(hours)s on %(day)ss.")
        % {"space": space.title, "hours": hours, "day": weekday}
    ]


def _closure_problems(space: SpacePage, start: datetime, end: datetime) -> list[str]:
    first, last = _local(start).date(), _local(end).date()
    return [
        _("%(space)s is closed on %(day)s (%(reason)s).")
        % {
            "space": space.title,
            "day": date_format(max(first, closure.start_date), "D j F Y"),
            "reason": closure.reason,
        }
        for closure in space.closures.all()
        if closure.start_date <= last and closure.end_date >= first
    ]


def _clash(space: SpacePage, start: datetime, end: datetime, *, exclude=None) -> Booking | None:
    """The first confirmed booking the span would overlap, changeover on both sides."""
    clashes = Booking.objects.confirmed().for_space(space).between(start, end + space.buffer)
    if exclude is not None and exclude.pk:
        clashes = clashes.exclude(pk=exclude.pk)
    return clashes.order_by("start").first()


def _week_bounds(moment: datetime) -> tuple[datetime, datetime]:
    local = _local(moment)
    monday = local.date() - timedelta(days=local.weekday())
    start = timezone.make_aware(datetime.combine(monday, datetime.min.time()))
    return start, timezone.make_aware(
        datetime.combine(monday + timedelta(days=7), datetime.min.time())
    )


def _quota_problems(space, group, start, minutes, exclude) -> list[str]:
    week_start, week_end = _week_bounds(start)
    booked = (
        Booking.objects.active()
        .for_space(space)
        .for_group(group)
        .filter(start__gte=week_start, start__lt=week_end)
    )
    if exclude is not None and exclude.pk:
        booked = booked.exclude(pk=exclude.pk)
    used = sum(int((b.end - b.start).total_seconds() // 60) for b in booked)
    quota = space.weekly_quota_hours * 60
    if used + minutes <= quota:
        return []
    return [
        _("%(group)s has used %(used)s of its %(quota)s at %(space)s that week.")
        % {
            "group": group.title,
            "used": _hours(used) if used else _("none"),
            "quota": _hours(quota),
            "space": space.title,
        }
    ]


def _save(booking: Booking) -> Booking:
    """Insert or update a booking; the exclusion constraint's refusal becomes a message."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        if EXCLUSION_CONSTRAINT not in str(error):
            raise
        raise ValidationError(
            _("%(space)s has just been booked %(when)s by someone else.")
            % {"space": booking.space.title, "when": _when(booking.start, booking.end)}
        ) from error
    return booking


def _notify_managers(booking: Booking) -> None:
    emails = [m.email for m in booking.space.managers.all() if m.email]
    send_mail_after_commit(
        subject=_("Booking request for %(space)s: %(title)s")
        % {"space": booking.space.title, "title": booking.title},
        template="commons/emails/booking_requested.txt",
        context={
            "booking": booking,
            "when": _when(booking.start, booking.end),
            "review_url": settings.WAGTAILADMIN_BASE_URL
            + reverse("commons:booking_review", args=[booking.pk]),
        },
        to=emails,
    )


def _notify_requester(booking: Booking, template: str, subject: str) -> None:
    requester = booking.requested_by
    if requester is None or not requester.email:
        return
    send_mail_after_commit(
        subject=subject,
        template=template,
        context={"booking": booking, "when": _when(booking.start, booking.end)},
        to=[requester.email],
    )


def _new_booking(space, group, by, title, note, start, end, series=None) -> Booking:
    status = BookingStatus.REQUESTED if space.requires_approval else BookingStatus.CONFIRMED
    booking = Booking(
        space=space,
        group=group,
        requested_by=by,
        title=title,
        note=note,
        start=start,
        end=end,
        blocked_until=end + space.buffer,
        status=status,
        series=series,
    )
    if status == BookingStatus.CONFIRMED:
        booking.decided_at = timezone.now()
    return booking


@transaction.atomic
def request_booking(
    *,
    space: SpacePage,
    group,
    by: User,
    title: str,
    start: datetime,
    end: datetime,
    note: str = "",
) -> Booking:
    """Ask for a space for a group; confirmed at once where no approval is needed."""
    space = _lock_space(space)
    problems = rule_problems(space=space, start=start, end=end, group=group)
    if problems:
        raise ValidationError(problems)
    booking = _save(_new_booking(space, group, by, title, note, start, end))
    faults.pause("booking")
    if booking.status == BookingStatus.REQUESTED:
        _notify_managers(booking)
    return booking


@dataclass
class Occurrence:
    start: datetime
    end: datetime
    problems: list[str]

    @property
    def is_free(self) -> bool:
        return not self.problems


def occurrences(
    *, start: datetime, end: datetime, interval_weeks: int, until: date
) -> list[tuple[datetime, datetime]]:
    """Repeat a span every N weeks until a date, at the same local time across clock changes."""
    tz = timezone.get_current_timezone()
    local_start, local_end = _local(start), _local(end)
    length_days = (local_end.date() - local_start.date()).days
    spans, day = [], local_start.date()
    while day <= until:
        first = datetime.combine(day, local_start.time(), tzinfo=tz)
        last = datetime.combine(day + timedelta(days=length_days), local_end.time(), tzinfo=tz)
        spans.append((first, last))
        day += timedelta(weeks=interval_weeks)
    return spans


def preview_series(
    *, space: SpacePage, group, start, end, interval_weeks: int, until: date
) -> list[Occurrence]:
    """Say, date by date, which occurrences of a series are free and why the others are not."""
    result, minutes_by_week = [], {}
    for first, last in occurrences(
        start=start, end=end, interval_weeks=interval_weeks, until=until
    ):
        week = _week_bounds(first)[0]
        problems = rule_problems(
            space=space,
            start=first,
            end=last,
            group=group,
            extra_minutes_this_week=minutes_by_week.get(week, 0),
        )
        if not problems:
            minutes = int((last - first).total_seconds() // 60)
            minutes_by_week[week] = minutes_by_week.get(week, 0) + minutes
        result.append(Occurrence(first, last, problems))
    return result


MAX_SERIES_LENGTH = 60


@transaction.atomic
def request_series(
    *,
    space: SpacePage,
    group,
    by: User,
    title: str,
    start: datetime,
    end: datetime,
    interval_weeks: int,
    until: date,
    free_only: bool = False,
    note: str = "",
) -> tuple[list[Booking], list[Occurrence]]:
    """Book a weekly or fortnightly series: all of it, or with free_only the free dates.

    Returns the bookings made and the occurrences skipped. Without free_only a single
    clash refuses the whole series and nothing is saved.
    """
    if interval_weeks not in (1, 2):
        raise ValidationError(_("A series repeats every week or every fortnight."))
    space = _lock_space(space)
    plan = preview_series(
        space=space, group=group, start=start, end=end, interval_weeks=interval_weeks, until=until
    )
    if len(plan) > MAX_SERIES_LENGTH:
        raise ValidationError(
            _("A series can have at most %(n)s dates. Choose an earlier end date.")
            % {"n": MAX_SERIES_LENGTH}
        )
    if len(plan) < 2:
        raise ValidationError(_("A series needs at least two dates. Choose a later end date."))
    skipped = [occurrence for occurrence in plan if not occurrence.is_free]
    if skipped and not free_only:
        raise ValidationError(
            [
                _("%(when)s: %(problem)s")
                % {"when": _when(o.start, o.end), "problem": o.problems[0]}
                for o in skipped
            ]
        )
    free = [occurrence for occurrence in plan if occurrence.is_free]
    if not free:
        raise ValidationError(_("None of the dates in this series is free."))
    series = BookingSeries.objects.create(
        space=space, group=group, interval_weeks=interval_weeks, until=until
    )
    bookings = [
        _save(_new_booking(space, group, by, title, note, o.start, o.end, series)) for o in free
    ]
    if bookings[0].status == BookingStatus.REQUESTED:
        _notify_managers(bookings[0])
    return bookings, skipped


def may_decide(*, user: User, space: SpacePage) -> bool:
    return user.is_superuser or space.managers.filter(pk=user.pk).exists()


@transaction.atomic
def decide_booking(*, booking: Booking, approve: bool, by: User, reason: str = "") -> Booking:
    """Approve or decline a request; approving re-checks the calendar under the lock."""
    space = _lock_space(booking.space)
    if not may_decide(user=by, space=space):
        raise ValidationError(
            _("Only the managers of %(space)s can decide its bookings.") % {"space": space.title}
        )
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    if approve:
        clash = _clash(space, booking.start, booking.end, exclude=booking)
        if clash is not None:
            raise ValidationError(
                _("%(space)s is booked %(when)s.")
                % {"space": space.title, "when": _when(clash.start, clash.end)}
            )
        booking.status = BookingStatus.CONFIRMED
    else:
        if not reason.strip():
            raise ValidationError(_("Give the group a reason for declining."))
        booking.status = BookingStatus.DECLINED
        booking.decline_reason = reason.strip()
    booking.decided_by, booking.decided_at = by, timezone.now()
    booking.space = space
    _save(booking)
    _notify_requester(
        booking,
        "commons/emails/booking_decided.txt",
        (
            _("Confirmed: %(title)s at %(space)s")
            if approve
            else _("Declined: %(title)s at %(space)s")
        )
        % {"title": booking.title, "space": space.title},
    )
    return booking


SCOPES = ("one", "following", "all")


def _in_scope(booking: Booking, scope: str):
    if scope == "one" or booking.series_id is None:
        return Booking.objects.filter(pk=booking.pk)
    siblings = Booking.objects.filter(series_id=booking.series_id).active()
    if scope == "following":
        return siblings.filter(start__gte=booking.start)
    return siblings


@transaction.atomic
def cancel_booking(*, booking: Booking, by: User, scope: str = "one") -> int:
    """Cancel one date, this and the following dates, or the whole series. Return how many."""
    if scope not in SCOPES:
        raise ValidationError(_("Choose one date, this and following dates, or the whole series."))
    _lock_space(booking.space)
    targets = list(_in_scope(booking, scope).select_for_update())
    for target in targets:
        target.status = BookingStatus.CANCELLED
        target.decided_by, target.decided_at = by, timezone.now()
        target.save(update_fields=["status", "decided_by", "decided_at"])
    if targets:
        _notify_requester(
            booking,
            "commons/emails/booking_cancelled.txt",
            _("Cancelled: %(title)s at %(space)s")
            % {"title": booking.title, "space": booking.space.title},
        )
    return len(targets)


@transaction.atomic
def move_booking(
    *, booking: Booking, start: datetime, end: datetime, by: User, scope: str = "one"
) -> list[Booking]:
    """Change the time of one date or, keeping the same shift, of later dates or the series.

    A confirmed booking at a space that needs approval goes back to its managers.
    """
    if scope not in SCOPES:
        raise ValidationError(_("Choose one date, this and following dates, or the whole series."))
    space = _lock_space(booking.space)
    shift_start, shift_end = start - booking.start, end - booking.end
    targets = list(_in_scope(booking, scope).select_for_update().order_by("start"))
    moved, problems = [], []
    for target in targets:
        new_start, new_end = target.start + shift_start, target.end + shift_end
        found = rule_problems(
            space=space, start=new_start, end=new_end, group=target.group, exclude=target
        )
        problems += found
        target.start, target.end = new_start, new_end
        target.blocked_until = new_end + space.buffer
        if space.requires_approval and target.status == BookingStatus.CONFIRMED:
            target.status = BookingStatus.REQUESTED
        moved.append(target)
    if problems:
        raise ValidationError(problems)
    for target in moved:
        target.space = space
        _save(target)
    if moved and moved[0].status == BookingStatus.REQUESTED:
        _notify_managers(moved[0])
    return moved
