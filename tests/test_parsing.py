"""The hardened parsing layer (specdiff_core.parsing): bounded nesting, bounded integers,
finite numbers; every refusal is the caller's SpecDiffError with a one-line message."""

from __future__ import annotations

import math

import pytest

from specdiff_core.errors import CheckpointError, GraphError, SpecDiffError
from specdiff_core.parsing import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    as_float,
    as_int,
    check_digit_runs,
    check_nesting,
    is_int_token,
    loads_json,
)


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


@pytest.mark.parametrize(
    "text, says",
    [
        ("[" * 100_000 + "]" * 100_000, "nested 100,000 levels deep"),
        ('{"a": ' * 200 + "1" + "}" * 200, "nested 200 levels"),
        ("[" + "1" * 5000 + "]", "a number of 5,000 digits"),
        ("[1e999]", "1e999 is too large for a float"),
        ("[-1E+400]", "1E+400 is too large"),
        ("[NaN]", "NaN is not a number JSON allows"),
        ('{"x": Infinity}', "Infinity is not a number JSON allows"),
        ('{"x": -Infinity}', "-Infinity is not a number JSON allows"),
        ("{", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_loads_json_refuses_with_the_callers_error(text, says):
    with pytest.raises(CheckpointError) as exc:
        loads_json(text, where="m.safetensors", error=CheckpointError)
    assert _one_line(exc).startswith("m.safetensors")
    assert says in str(exc.value)


def test_loads_json_keeps_what_is_fine():
    text = '{"s": "[[[[ 1e999 NaN \\" ]]", "n": [0, -3, 2.5, 1e308, 1e-999], "d": ' + "[" * 60
    text += "]" * 60 + "}"
    out = loads_json(text, where="x", error=GraphError)
    assert out["s"] == '[[[[ 1e999 NaN " ]]' and out["n"][:4] == [0, -3, 2.5, 1e308]
    assert out["n"][4] == 0.0
    assert loads_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, where="x", error=GraphError)
    big = "9" * MAX_INT_DIGITS
    assert loads_json(f"[{big}]", where="x", error=GraphError) == [int(big)]


def test_nesting_of_gml_lists_and_digit_runs():
    check_nesting("graph [ node [ id 0 ] ]", where="g.gml", error=GraphError, kind="gml")
    with pytest.raises(GraphError, match="g.gml: nested 70 levels"):
        check_nesting("x " + "[ " * 70 + "]" * 70, where="g.gml", error=GraphError, kind="gml")
    with pytest.raises(GraphError, match="g.gml, line 2: a number of 101 digits"):
        check_digit_runs("graph [\n id " + "1" * 101 + " ]", where="g.gml", error=GraphError)


@pytest.mark.parametrize(
    "value, says",
    [
        (10**400, "too large for a float"),
        ("1" * 500, "500 characters"),
        (math.nan, "NaN"),
        ("nan", "NaN"),
        (-math.inf, "infinite"),
        ("1e999", "infinite"),
        (True, "boolean"),
        ("abc", "not a number"),
        (None, "not a number"),
        ([1], "not a number"),
    ],
)
def test_as_float_refuses(value, says):
    with pytest.raises(SpecDiffError, match=says) as exc:
        as_float(value, where="here", error=SpecDiffError, what="weight")
    assert _one_line(exc).startswith("here: weight")


def test_as_int_checks_size_range_and_wholeness():
    assert as_int("7", where="w", error=SpecDiffError) == 7
    assert as_int(7.0, where="w", error=SpecDiffError) == 7
    assert as_int("1e3", where="w", error=SpecDiffError) == 1000
    for bad, says in [
        ("1.5", "not a whole number"),
        ("1" * 5000, "characters"),
        ("1e400", "infinite"),
        ("nan", "NaN"),
        (False, "boolean"),
        (10**5000, "above"),
    ]:
        with pytest.raises(SpecDiffError, match=says):
            as_int(bad, where="w", error=SpecDiffError, high=10)
    with pytest.raises(SpecDiffError, match=r"an integer of about 5,000 digits\) is above 10"):
        as_int(10**4999, where="w", error=SpecDiffError, high=10)


def test_is_int_token_never_calls_int_on_a_long_token():
    assert is_int_token("-3") and is_int_token("0") and is_int_token("9" * MAX_INT_DIGITS)
    for token in ("07", "+7", "1_0", "-0", " 7", "9" * (MAX_INT_DIGITS + 1), "9" * 10_000):
        assert not is_int_token(token)
