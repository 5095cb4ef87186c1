"""Grow the demo commons into a city: thousands of groups, families, sessions and records.

At `--factor 1`: 500 groups, 3,000 tutors, 20,000 learners in 12,000 households, 3,000
curricula with 15,000 units and 100,000 objectives, 100 spaces with 200,000 bookings over
three years, 60,000 sessions with their registers, and 2,000,000 progress entries.

Each app builds its own rows in a `scale` module found by name (`commons.scale`, then
`groups.scale`, `learning.scale`), as `load_demo_data` finds the `demo` modules: commons
never imports the apps to its right. A seed and an anchor date give the same rows every
time. It runs once on a database: a second run is refused, so the shape stays the seed's.
"""

import time
from datetime import date
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from commons.management.commands.load_demo_data import DEMO_PASSWORD
from commons.models import SpaceIndexPage, User
from commons.scale import shared_password
from commons.scale_tools import USERNAME_PREFIX, Scale, Timer

DEFAULT_SEED = 2026


def all_parts() -> list:
    """Return `commons.scale.PARTS`, then each later app's `scale.PARTS`, in app order."""
    parts = []
    for app_config in apps.get_app_configs():
        try:
            module = import_module(f"{app_config.name}.scale")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.scale":
                raise
            continue
        parts.extend(module.PARTS)
    return parts


def _factor(value: str) -> float:
    factor = float(value)
    if not 0 < factor <= 5:
        raise ValueError(value)
    return factor


class Command(BaseCommand):
    help = "Add a city-sized commons (scaled by --factor) to the demo data, once per database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor",
            type=_factor,
            default=0.1,
            help="Size against the city (1): 0.001 for tests, 0.01, 0.1 (default), 1.",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Same seed, same rows (default 2026)."
        )
        parser.add_argument(
            "--anchor",
            type=date.fromisoformat,
            default=None,
            help="The day taken as today, YYYY-MM-DD (default: today). Two and a half "
            "years of history end here and half a year of plans follow.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Every generated login has the demo password.",
        )

    def handle(self, *args, factor, seed, anchor, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to seed with DEBUG off: every generated login shares the published "
                "demo password. Pass --force if you mean it."
            )
        seeded = User.objects.filter(username__startswith=USERNAME_PREFIX).count()
        if seeded:
            raise CommandError(
                f"This database is already seeded ({seeded} logins named {USERNAME_PREFIX}…). "
                "seed_scale runs once: start from a fresh database to seed again."
            )
        if not SpaceIndexPage.objects.exists():
            self.stdout.write("No demo commons yet: loading it first.")
            call_command("load_demo_data", force=True, stdout=self.stdout)
        started = time.perf_counter()
        ctx = Scale(
            factor=factor,
            seed=seed,
            anchor=anchor or timezone.localdate(),
            password=shared_password(DEMO_PASSWORD),
        )
        self.stdout.write(
            f"Seeding at factor {factor} (seed {seed}, anchor {ctx.anchor}) on {connection.vendor}:"
        )
        timer = Timer(self.stdout.write)
        with transaction.atomic():
            for part in all_parts():
                summary = part(ctx)
                timer.lap(f"{part.__module__.split('.')[0]}.{part.__name__}", summary or "")
        if connection.vendor == "postgresql":
            # Millions of rows arrived at once: give the planner their statistics now,
            # not whenever autovacuum next gets round to it, or the first pages it plans
            # (a benchmark's) are planned blind.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            timer.lap("ANALYZE", "the planner's statistics")
        self._report(ctx, time.perf_counter() - started)

    def _report(self, ctx: Scale, seconds: float) -> None:
        made = ", ".join(f"{number} {name}" for name, number in sorted(ctx.made.items()))
        self.stdout.write(f"Made {made}.")
        groups, admins = ctx.data.get("groups", []), ctx.data.get("admins", {})
        if groups:
            biggest = groups[0]
            admin = User.objects.get(pk=admins[biggest.pk][0])
            helpers = [t for t in ctx.data["tutors_of"][biggest.pk] if t not in admins[biggest.pk]]
            tutor = User.objects.get(pk=(helpers or admins[biggest.pk])[0])
            self.stdout.write(
                f"Logins (password {DEMO_PASSWORD}): {admin.username} admins {biggest.title}, "
                f"the biggest group; {tutor.username} tutors there."
            )
        self.stdout.write(self.style.SUCCESS(f"Done in {seconds:.1f} s."))
