"""The one hardened parsing layer every format reads numbers and JSON through: graph files
(node-link JSON, edge lists, GML), model headers, links' settings.

Each function takes the ``error`` class to raise (a :class:`~.errors.SpecDiffError`
subclass: GraphError for a graph, CheckpointError for a model file) and the ``where`` a
message names, so that hostile or clumsy input always ends in one line that says which
file, which line or field, and what to fix, never in a RecursionError, an OverflowError,
Python's int-string limit or a NaN that slips through and fails somewhere else.

Bounds: JSON and GML nest at most :data:`MAX_DEPTH` levels, an integer has at most
:data:`MAX_INT_DIGITS` digits (checked before ``int()`` sees it, far below Python's
4,300-digit limit), and every number is finite.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np

from .errors import SpecDiffError

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "as_float",
    "as_int",
    "check_digit_runs",
    "check_nesting",
    "is_int_token",
    "loads_json",
    "shorten",
]

MAX_DEPTH = 64  # arrays/objects (JSON) or lists (GML) inside each other
MAX_INT_DIGITS = 100  # digits of an integer literal (a node id, a count)
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_GML_STRING = re.compile(rb'"[^"]*"')
_LONG_DIGITS = re.compile(rb"\d{%d,}" % (MAX_INT_DIGITS + 1))
_BIG_EXPONENT = re.compile(rb"[eE]\+?[0-9]{3,}")  # the exponent of a number like 1e999
_INT_TOKEN = re.compile(r"0|-?[1-9][0-9]*")  # as str(int) writes it: not "-0", "07"


class _Refused(Exception):
    """Raised from inside ``json.loads``'s hooks; turned into the caller's error."""


def _strip_strings(data: bytes | str, kind: str) -> bytes:
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    return (_JSON_STRING if kind == "json" else _GML_STRING).sub(b'""', raw)


def _depth(stripped: bytes, opens: bytes, closes: bytes) -> int:
    """The deepest nesting of ``opens``/``closes`` brackets in text without its strings
    (vectorised: a 50 MB file takes a fraction of a second, and nothing recurses)."""
    a = np.frombuffer(stripped, dtype=np.uint8)  # (len,)
    is_open = np.isin(a, np.frombuffer(opens, np.uint8))  # (len,)
    is_bracket = is_open | np.isin(a, np.frombuffer(closes, np.uint8))
    step = np.where(is_open[is_bracket], 1, -1).astype(np.int32)  # (brackets,)
    return int(np.cumsum(step, dtype=np.int32).max(initial=0))


def check_nesting(
    data: bytes | str, *, where: str, error: type[SpecDiffError], kind: str = "json"
) -> None:
    """Refuse text whose brackets nest deeper than :data:`MAX_DEPTH`, before a recursive
    parser sees it. ``kind`` is ``"json"`` (``[`` and ``{``) or ``"gml"`` (``[``).

    Examples
    --------
    >>> check_nesting("[[[]]]", where="demo", error=SpecDiffError)
    >>> check_nesting("[" * 65, where="demo", error=SpecDiffError)
    Traceback (most recent call last):
    ...
    specdiff_core.errors.SpecDiffError: demo: nested 65 levels deep; at most 64 are allowed (flatten the data)
    """
    _check_depth(_strip_strings(data, kind), where, error, kind)


def _check_depth(stripped: bytes, where: str, error: type[SpecDiffError], kind: str) -> None:
    depth = _depth(stripped, b"[{", b"]}") if kind == "json" else _depth(stripped, b"[", b"]")
    if depth > MAX_DEPTH:
        raise error(
            f"{where}: nested {depth:,} levels deep; at most {MAX_DEPTH} are allowed "
            "(flatten the data)"
        )


def check_digit_runs(data: bytes | str, *, where: str, error: type[SpecDiffError]) -> None:
    """Refuse a number written with more than :data:`MAX_INT_DIGITS` digits in a row (for
    parsers, GML's and GraphML's, that would hand it to ``int()``)."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    _check_numbers(raw, where, error, exponents=False)


def _check_numbers(stripped: bytes, where: str, error: type[SpecDiffError], exponents: bool):
    """Long digit runs (integers past :data:`MAX_INT_DIGITS`), and with ``exponents``
    literals such as ``1e999`` that overflow a float, in text without its strings."""
    found = _LONG_DIGITS.search(stripped)
    if found:
        line = stripped.count(b"\n", 0, found.start()) + 1
        raise error(
            f"{where}, line {line}: a number of {len(found.group()):,} digits; numbers have at "
            f"most {MAX_INT_DIGITS} digits"
        )
    for found in _BIG_EXPONENT.finditer(stripped) if exponents else ():
        start = found.start()
        while start > 0 and stripped[start - 1] in b"0123456789.":
            start -= 1
        number = stripped[start : found.end()].decode()
        try:
            finite = math.isfinite(float(number))
        except ValueError:  # not a number after all: json.loads reports it
            continue
        if not finite:
            line = stripped.count(b"\n", 0, start) + 1
            raise error(
                f"{where}, line {line}: the number {number[:30]} is too large for a float; "
                "give a finite number"
            )


def _parse_constant(name: str) -> float:
    raise _Refused(f"{name} is not a number JSON allows; write a finite number or null")


def loads_json(data: bytes | str, *, where: str, error: type[SpecDiffError]) -> Any:
    """``json.loads`` with bounded nesting, bounded integers and finite numbers only
    (no ``NaN``, ``Infinity`` or ``1e999``); any failure raises ``error`` naming ``where``.

    The bounds are checked on the text before it is parsed (one pass of regular expressions
    and NumPy), so the parser never recurses past them nor sees a number it would choke on.

    Examples
    --------
    >>> loads_json('{"a": [1, 2.5]}', where="demo", error=SpecDiffError)
    {'a': [1, 2.5]}
    >>> loads_json('[NaN]', where="demo", error=SpecDiffError)
    Traceback (most recent call last):
    ...
    specdiff_core.errors.SpecDiffError: demo: NaN is not a number JSON allows; write a finite number or null
    """
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error(f"{where}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    stripped = _strip_strings(data, "json")
    _check_depth(stripped, where, error, "json")
    _check_numbers(stripped, where, error, exponents=True)
    try:
        return json.loads(data, parse_constant=_parse_constant)
    except _Refused as exc:
        raise error(f"{where}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise error(f"{where}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except (RecursionError, ValueError) as exc:  # unreachable after the checks; kept as a net
        raise error(f"{where}: not usable JSON ({type(exc).__name__})") from None


def as_float(value: Any, *, where: str, error: type[SpecDiffError], what: str = "value") -> float:
    """A finite float from a number or its text; booleans, NaN, infinities, integers too
    large for a float and text that is no number raise ``error`` naming ``where``.

    Examples
    --------
    >>> as_float("2.5", where="demo", error=SpecDiffError)
    2.5
    >>> as_float(10**400, where="demo", error=SpecDiffError, what="weight")
    Traceback (most recent call last):
    ...
    specdiff_core.errors.SpecDiffError: demo: weight (an integer of about 401 digits) is too large for a float; give a finite number
    """
    if isinstance(value, bool):
        raise error(f"{where}: {what} {value!r} is a boolean; give a number")
    if isinstance(value, str) and len(value) > 400:
        raise error(f"{where}: {what} {shorten(value)} is {len(value):,} characters; not a number")
    try:
        out = float(value)
    except OverflowError:
        raise error(
            f"{where}: {what} {shorten(value)} is too large for a float; give a finite number"
        ) from None
    except (TypeError, ValueError):
        raise error(f"{where}: {what} {shorten(value)} is not a number") from None
    if math.isnan(out):
        raise error(f"{where}: {what} is NaN; give a finite number")
    if math.isinf(out):
        raise error(f"{where}: {what} is infinite; give a finite number")
    return out


def as_int(
    value: Any,
    *,
    where: str,
    error: type[SpecDiffError],
    what: str = "value",
    low: int | None = None,
    high: int | None = None,
) -> int:
    """A whole number from an int, an integral float or its text (``"7"``, ``"7.0"``,
    ``"1e3"``), within ``low..high`` when given; anything else raises ``error``.

    Examples
    --------
    >>> as_int("1e3", where="demo", error=SpecDiffError)
    1000
    >>> as_int("-1", where="--seed", error=SpecDiffError, what="seed", low=0)
    Traceback (most recent call last):
    ...
    specdiff_core.errors.SpecDiffError: --seed: seed -1 is below 0
    """
    if isinstance(value, bool):
        raise error(f"{where}: {what} {value!r} is a boolean; give a whole number")
    if isinstance(value, int | np.integer):
        out = int(value)
    else:
        text = str(value).strip()
        if _INT_TOKEN.fullmatch(text) and len(text.lstrip("-")) <= MAX_INT_DIGITS:
            out = int(text)
        else:
            x = as_float(value, where=where, error=error, what=what)
            if x != int(x):
                raise error(f"{where}: {what} {shorten(value)} is not a whole number")
            out = int(x)
    if low is not None and out < low:
        raise error(f"{where}: {what} {shorten(out)} is below {low:,}")
    if high is not None and out > high:
        raise error(f"{where}: {what} {shorten(out)} is above {high:,}")
    return out


def is_int_token(token: str) -> bool:
    """True for a canonical integer spelling of at most :data:`MAX_INT_DIGITS` digits
    ("7", "-3"; not "07", "+7", "1_0"), without ever calling ``int()`` on a longer one.

    Examples
    --------
    >>> is_int_token("7"), is_int_token("07"), is_int_token("-0"), is_int_token("9" * 101)
    (True, False, False, False)
    """
    return bool(_INT_TOKEN.fullmatch(token)) and len(token.lstrip("-")) <= MAX_INT_DIGITS


def shorten(value: Any) -> str:
    """A value as a message shows it (``repr`` for text), at most ~25 characters; a huge
    integer by its size (never through ``str()``, which Python refuses past 4,300 digits).

    Examples
    --------
    >>> shorten("abc"), shorten(10**5000), shorten([1] * 100)
    ("'abc'", '(an integer of about 5,001 digits)', '[1, 1, 1, 1, 1, 1, 1, ...')
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() <= 64:
            return str(value)
        return f"(an integer of about {int(math.log10(abs(value))) + 1:,} digits)"
    try:
        text = repr(value) if isinstance(value, str) else str(value)
    except ValueError:  # a container holding a huge integer
        return f"(a {type(value).__name__})"
    return text if len(text) <= 25 else text[:22] + "..."
