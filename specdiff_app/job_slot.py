"""One job a page submits and watches: the submit / poll / done-or-failed lifecycle.

A page names a slot (its session-state keys start with that name) and keys each job by
the settings it was asked for. Asking with another key cancels the old job, so a page
never watches a run nobody wants any more. While the job runs, a fragment polls it and
the page draws progress; when it is done the result is handed over once and the page
reruns to show it; when it fails, the error says so and affects nobody else.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from specdiff_core.server import JobView, PoolFull, Ticket

from .polling import rearm

POLL_SECONDS = 0.5  # how often a watching page asks the pool for news


@dataclass(frozen=True)
class JobSlot:
    """A named place in this session for one job and, once it is done, its result."""

    name: str  # prefix of the session-state keys
    failure: str = "The job failed"  # how an error message starts

    @property
    def _ticket_key(self) -> str:
        return f"{self.name}_ticket"

    @property
    def _result_key(self) -> str:
        return f"{self.name}_result"

    def result(self, key: Hashable) -> Any | None:
        """The finished result for ``key``, or None if there is none (yet)."""
        held = st.session_state.get(self._result_key)
        return held[1] if held is not None and held[0] == key else None

    def ticket(self, key: Hashable) -> Ticket | None:
        """The job running for ``key``; a job for another key is cancelled and forgotten."""
        held = st.session_state.get(self._ticket_key)
        if held is None:
            return None
        if held[0] != key:
            held[1].cancel()  # the settings changed: stop the old run
            del st.session_state[self._ticket_key]
            return None
        return held[1]

    def submit(self, key: Hashable, start: Callable[[], Ticket]) -> Ticket | None:
        """Start the job for ``key`` with ``start()``; a full queue is shown, not raised."""
        try:
            ticket = start()
        except PoolFull as exc:
            st.error(str(exc))
            return None
        st.session_state[self._ticket_key] = (key, ticket)
        return ticket

    def watch(
        self,
        ticket: Ticket,
        busy: Callable[[JobView, Ticket], None],
        *,
        done: Callable[[Any], None] | None = None,
        every: float = POLL_SECONDS,
    ) -> None:
        """Poll ``ticket`` in a fragment: ``busy(view, ticket)`` draws progress; when done,
        ``done(result)`` (by default: keep it for :meth:`result`) and a rerun."""
        key = st.session_state[self._ticket_key][0]

        @st.fragment(run_every=every)
        def poll() -> None:
            rearm(every)  # a poll re-arms its own timer (polling.py: the classroom stall)
            with st.container():  # one slot, whatever it shows (see duel_panel.live_panel)
                view = ticket.poll()
                if view.status == "done":
                    st.session_state.pop(self._ticket_key, None)
                    result = ticket.result()
                    if done is None:
                        st.session_state[self._result_key] = (key, result)
                    else:
                        done(result)
                    st.rerun()
                elif view.status in ("failed", "cancelled"):
                    st.session_state.pop(self._ticket_key, None)
                    st.error(
                        f"{self.failure}: {view.error or view.status}. "
                        "Other sessions are not affected."
                    )
                else:
                    busy(view, ticket)

        poll()
