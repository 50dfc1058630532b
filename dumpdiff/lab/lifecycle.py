"""One shape for everything the lab starts (Envoy, upstreams, xDS servers): a context
manager that stops it on exit, and also when starting it fails halfway."""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

_T = TypeVar("_T", bound="Stoppable")


class Stoppable:
    """Subclasses implement `stop()` (idempotent) and, if needed, `open()`."""

    def open(self) -> None:
        """Acquire what the object runs (nothing by default)."""

    def stop(self) -> None:
        """Release everything `open()` and later calls acquired."""
        raise NotImplementedError

    def __enter__(self: _T) -> _T:
        try:
            self.open()
        except BaseException:
            self.stop()  # __exit__ does not run when __enter__ raises
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
