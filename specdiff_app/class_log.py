"""What a class does, recorded for the teacher view (``pages/teacher.py``): each answer to
a check question, each prediction made before the duel, each finished duel. The store is
the core's (``specdiff_core.server.class_store``), opened once per server from the
setting ``SPECDIFF_CLASS_DB`` (docs/classroom.md); a row names the student only by a hash
of their session's id.

Recording never gets in a student's way: a store that cannot be opened or written is
logged (``specdiff_app.class_log``) and the page carries on. Each thing is recorded once
per session (an answer again only when it changes).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import streamlit as st

from specdiff_core.server.class_db import ENV
from specdiff_core.server.class_store import ClassStore

from .classroom import session_id

LOG = logging.getLogger("specdiff_app.class_log")
ss = st.session_state


@st.cache_resource(show_spinner=False)
def _open(setting: str) -> ClassStore:
    return ClassStore(setting or None)


def store() -> ClassStore:
    """The server's class store (opened on first use; one per value of the setting).

    Raises
    ------
    SpecDiffError
        The setting cannot be used (the teacher page shows the message).
    """
    return _open(os.environ.get(ENV, "").strip())


def _quietly(what: str, write: Callable[[ClassStore], None]) -> None:
    try:
        write(store())
    except Exception as exc:  # noqa: BLE001 - the student's page must go on
        LOG.warning("class store: %s not recorded: %s", what, exc)


def _changed(book: str, key: Any, value: Any) -> bool:
    """True (and remembered) when ``value`` is new for ``key`` in this session."""
    seen: dict = ss.setdefault(book, {})
    if key in seen and seen[key] == value:
        return False
    seen[key] = value
    return True


def answer(question: str, prompt: str, choice: str, *, correct: bool) -> None:
    """A student picked ``choice`` for check question ``question``."""
    if _changed("_class_answers", question, choice):
        _quietly(
            "an answer",
            lambda s: s.record_answer(
                session_id(), question, choice, correct=correct, prompt=prompt
            ),
        )


def prediction(question: str, choice: str, *, predicted: float, duel: str, trained: bool) -> None:
    """A prediction for the duel tagged ``duel`` (``class_store.duel_tag``)."""
    if _changed("_class_predictions", (question, duel), (choice, trained)):
        _quietly(
            "a prediction",
            lambda s: s.record_prediction(
                session_id(), question, choice, predicted=predicted, duel=duel, trained=trained
            ),
        )


def duel_finished(state: dict[str, Any]) -> None:
    """Record a duel's result once it has trained to its last step and been sampled."""
    if state.get("samples") is None:
        return
    (step, k, decoder), result = state["samples"]
    if step < state["duel"].config.train.steps:
        return
    if not _changed("_class_duels", (state["key"], step, k, decoder), True):
        return
    family, steps, lam, seed, regime, eps = state["key"]
    settings = dict(family=family, steps=steps, lam=lam, seed=seed, regime=regime, eps=eps,
                    decoder=decoder, k=k)  # fmt: skip
    _quietly("a duel result", lambda s: s.record_duel(session_id(), settings, result.board))
