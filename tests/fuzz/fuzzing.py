"""What the fuzzers share: their settings (a quick run in the suite, thousands of examples
per target under ``--hypothesis-profile long``), the one property they all assert, and
strategies for the hostile values a file, a link or a header can hold."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from specdiff_core.errors import SpecDiffError

QUICK_EXAMPLES = 25  # per target in the suite: the whole folder takes seconds


def fuzz_settings(quick: int = QUICK_EXAMPLES) -> settings:
    """The quick settings in the suite; the loaded profile's under ``--hypothesis-profile``."""
    # The fixtures the fuzzers take are reset by each example (or are session-wide).
    checks = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
    if settings.get_current_profile_name() in ("long", "medium"):
        return settings(deadline=None, suppress_health_check=checks)
    return settings(max_examples=quick, deadline=None, suppress_health_check=checks)


def refused_or(call, check):
    """The fuzzers' one property: ``call()`` raises a SpecDiffError with a one-line message,
    or returns something ``check`` accepts; anything else (another exception, a value that
    fails ``check``) fails the test, with hypothesis's shrunk example."""
    try:
        out = call()
    except SpecDiffError as exc:
        assert "\n" not in str(exc).strip(), f"a multi-line message: {exc}"
        assert str(exc).strip(), "an empty message"
        return None
    check(out)
    return out


# Numbers and tokens that broke parsers before (issue 14), among ordinary ones.
NASTY_NUMBERS = st.sampled_from(
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "nan",
        "inf",
        "1e999",
        "-1e999",
        "1e-320",
        "1e-300",
        "1e300",
        "1" * 5000,
        "1" + "0" * 400,
        "9" * 101,
        "0",
        "-1",
        "-0",
        "07",
        "1_0",
        "0x1f",
        "true",
        "null",
        "1.5",
        "2",
        "1e3",
        "",
        " ",
    ]
)
PLAIN_NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=1e-4, max_value=1e4).map(repr),
)
NUMBER_TEXT = st.one_of(NASTY_NUMBERS, PLAIN_NUMBERS)

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.integers(-(10**400), 10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=1e-4, max_value=1e4),
    st.text(max_size=8),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def finite_positive(x: float) -> bool:
    return isinstance(x, float) and math.isfinite(x) and x > 0
