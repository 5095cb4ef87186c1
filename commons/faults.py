"""Pause points for the fault tests (tests/faults): off unless the test settings arm them.

A fault test arms a pause point by creating `<FAULT_PAUSE_DIR>/<name>.arm`. The first
request to reach that point inside its transaction takes the file away (so only it
pauses), writes `<name>.reached` with its process id, and sleeps, holding its
transaction open, until the test kills the worker. Without FAULT_PAUSE_DIR, which only
commons.settings.test reads from the environment, `pause` returns at once.
"""

import os
import time
from pathlib import Path

from django.conf import settings

PAUSE_SECONDS = 60


def pause(name: str) -> None:
    """Stop here, mid-transaction, when a fault test has armed this point; otherwise return."""
    folder = getattr(settings, "FAULT_PAUSE_DIR", "")
    if not folder:
        return
    try:
        os.remove(Path(folder) / f"{name}.arm")
    except FileNotFoundError:
        return  # Not armed, or another request took it.
    (Path(folder) / f"{name}.reached").write_text(str(os.getpid()))
    time.sleep(PAUSE_SECONDS)
