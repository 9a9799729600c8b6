"""Who is gone: tickets not polled for ``stale_after`` seconds, and those whose owner (a
session) ``alive(owner)`` has reported gone for ``owner_grace`` seconds (a closed tab), so
that a class that leaves does not leave work behind."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Reaper"]


class Reaper:
    def __init__(
        self,
        *,
        stale_after: float = 300.0,
        owner_grace: float = 10.0,
        alive: Callable[[str], bool] | None = None,
    ) -> None:
        self.stale_after = float(stale_after)
        self.owner_grace = float(owner_grace)
        self.alive = alive
        self._dead_since: dict[str, float] = {}

    def victims(self, tickets: Sequence[Any], now: float) -> list[Any]:
        """The tickets to cancel now: stale ones, and those of owners gone long enough."""
        owners = {t.owner for t in tickets}
        gone: set[str] = set()
        if self.alive is not None:
            for owner in owners:
                try:
                    ok = bool(self.alive(owner))
                except Exception:  # noqa: BLE001 - a failing probe must not stop the reaper
                    ok = True
                if ok:
                    self._dead_since.pop(owner, None)
                elif now - self._dead_since.setdefault(owner, now) >= self.owner_grace:
                    gone.add(owner)
            for owner in list(self._dead_since):
                if owner not in owners:
                    del self._dead_since[owner]
        return [t for t in tickets if t.owner in gone or now - t.last_seen > self.stale_after]
