"""Settings read from the address bar when no widget owns them.

Widgets bound with ``bind="query-params"`` read and write their own key; these helpers
are for the rest: a setting whose widget is hidden (``settings_hide``), or a setting
one page reads that another page's widget writes (the lesson reads the duel's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def url_choice(key: str, options: Sequence[T], default: T) -> T:
    """The option the address names under ``key``, or ``default`` when it names none.

    An option matches by its text (``regime=rare``) or, for numbers, by value
    (``lam=10`` matches ``10.0``); anything else falls back to ``default``.
    """
    raw = st.query_params.get(key)
    if raw is None:
        return default
    number = _number(raw)
    for option in options:
        if str(option) == raw or (number is not None and _number(option) == number):
            return option
    return default


def _number(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    try:
        return float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
