"""Settings read from the address bar when no widget owns them.

Widgets bound with ``bind="query-params"`` read and write their own key; these helpers
are for the rest: a setting whose widget is hidden (``settings_hide``), or a setting
one page reads that another page's widget writes (the lesson reads the duel's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import streamlit as st

from specdiff_core.errors import SpecDiffError
from specdiff_core.parsing import as_float, is_int_token

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
    """A link's number through the core's checked conversion; None for anything else
    (text, NaN, an infinity, a number of thousands of digits)."""
    try:
        return as_float(raw, where="link", error=SpecDiffError)
    except SpecDiffError:
        return None


def number_label(x: float) -> str:
    """How a number is spelled in a widget and in the address: ``10``, ``0.05``, never ``10.0``.

    A widget bound to the address matches the address against its labels, so the label is
    also the link's spelling (``/lesson?lesson_fix_lam=0``)."""
    return f"{x:g}"


def canonical_numbers(bound: dict[str, Sequence[float]]) -> None:
    """Make the address spell each bound number as its widget's label, before the widgets.

    ``bound`` maps a bound widget's key to its options. A link that writes an option
    another way (``duel_lam=10.0``, as older links did) is rewritten to the label and the
    page reruns once, so the widget finds it; a value that is no option is taken out of the
    address and said in a warning, instead of vanishing without a word.
    """
    rewrite: dict[str, str] = {}
    for key, options in bound.items():
        raw = st.query_params.get(key)
        if raw is None:
            continue
        number = _number(raw)
        match = next((o for o in options if number is not None and float(o) == number), None)
        if match is None:
            del st.query_params[key]
            allowed = ", ".join(number_label(o) for o in options)
            st.warning(
                f"The link's `{key}={raw}` is not one of {allowed}: the default is used.",
                icon=":material/link_off:",
            )
        elif raw != number_label(match):
            rewrite[key] = number_label(match)
    if rewrite:
        st.query_params.update(rewrite)
        st.rerun()


def whole_number_in_link(key: str, low: int, high: int, default: int) -> list[str]:
    """Take a whole number the address holds under ``key`` out of it if it is not one
    from ``low`` to ``high`` (a widget bound to it would drop it without a word); the
    notice to show says what was wrong and what is used instead."""
    raw = st.query_params.get(key)
    if raw is None:
        return []
    text = raw.strip()
    try:  # int() on the raw text too: str.strip() drops '\x1f', which int() refuses
        ok = is_int_token(text) and int(raw) == int(text) and low <= int(text) <= high
    except ValueError:
        ok = False
    if ok:
        return []
    del st.query_params[key]
    return [
        f"the link's {key}={raw!r} is not a whole number from {low} to {high:,}; {key} {default} is used"
    ]
