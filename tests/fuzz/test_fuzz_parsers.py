"""Fuzzing the small parsers: the app's URL helpers (specdiff_app/url.py, over a stand-in
for streamlit's query parameters), --seeds, and the bounded JSON reader against json.loads."""

from __future__ import annotations

import json
import math
import re
import types

import pytest
from fuzzing import NUMBER_TEXT, fuzz_settings, refused_or
from hypothesis import given
from hypothesis import strategies as st

from specdiff_core.cli.reproduce import MAX_SEEDS, parse_seeds
from specdiff_core.errors import SpecDiffError
from specdiff_core.parsing import loads_json
from specdiff_core.seeds import SEED_MAX

RAW = st.one_of(NUMBER_TEXT, st.text(max_size=12), st.sampled_from(["10", "10.0", "0.05", "rare"]))


class _Rerun(Exception):
    """What the stand-in's st.rerun raises (streamlit's stops the script the same way)."""


@pytest.fixture
def fake_st(monkeypatch):
    from specdiff_app import url

    fake = types.SimpleNamespace(query_params={}, warnings=[])
    fake.warning = lambda text, **_: fake.warnings.append(text)

    def rerun():
        raise _Rerun

    fake.rerun = rerun
    monkeypatch.setattr(url, "st", fake)
    return fake


@fuzz_settings()
@given(raw=RAW)
def test_url_choice(fake_st, raw):
    from specdiff_app.url import url_choice

    fake_st.query_params = {"lam": raw}
    assert url_choice("lam", [0.0, 1.0, 10.0], 10.0) in (0.0, 1.0, 10.0)
    assert url_choice("regime", ["oracle", "rare"], "oracle") in ("oracle", "rare")


@fuzz_settings()
@given(raw=RAW)
def test_whole_number_in_link(fake_st, raw):
    from specdiff_app.url import whole_number_in_link

    fake_st.query_params = {"steps": raw}
    notices = whole_number_in_link("steps", 1, 5000, 600)
    kept = "steps" in fake_st.query_params
    assert kept == (not notices)
    if kept:
        assert 1 <= int(raw) <= 5000


@fuzz_settings()
@given(raw=RAW)
def test_canonical_numbers(fake_st, raw):
    from specdiff_app.url import canonical_numbers

    fake_st.query_params = {"duel_lam": raw}
    fake_st.warnings.clear()
    try:
        canonical_numbers({"duel_lam": [0.0, 1.0, 10.0]})
    except _Rerun:  # rewritten to the label, once
        assert fake_st.query_params["duel_lam"] in ("0", "1", "10")
        return
    if "duel_lam" in fake_st.query_params:  # already the label
        assert raw in ("0", "1", "10") and not fake_st.warnings
    else:  # taken out of the address, and said
        assert len(fake_st.warnings) == 1


@fuzz_settings()
@given(text=st.one_of(NUMBER_TEXT, st.text(alphabet="0123456789-, ", max_size=30)))
def test_parse_seeds(text):
    def check(seeds):
        assert 1 <= len(seeds) <= MAX_SEEDS and len(set(seeds)) == len(seeds)
        assert all(0 <= s <= SEED_MAX for s in seeds)

    refused_or(lambda: parse_seeds(text), check)


JSON_TEXT = st.one_of(
    st.text(alphabet='[]{}",:0123456789.eE+-NaInfity \\u', max_size=40),
    st.recursive(
        st.one_of(st.integers(), st.floats(), st.text(max_size=4), st.none()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
        ),
        max_leaves=10,
    ).map(json.dumps),
)


def _has_non_finite(x) -> bool:
    if isinstance(x, float):
        return not math.isfinite(x)
    if isinstance(x, list):
        return any(_has_non_finite(v) for v in x)
    if isinstance(x, dict):
        return any(_has_non_finite(v) for v in x.values())
    return False


@fuzz_settings()
@given(text=JSON_TEXT)
def test_loads_json_agrees_with_json_loads_or_refuses(text):
    """Whatever the bounded reader returns is what json.loads returns; it refuses only what
    json.loads cannot read or what holds a non-finite number or a past-bound value."""
    try:
        ours = loads_json(text, where="fuzz", error=SpecDiffError)
    except SpecDiffError:
        try:
            theirs = json.loads(text)
        except (ValueError, RecursionError):
            return
        assert _has_non_finite(theirs) or re.search(r"[0-9]{101,}", text), text
        return
    assert ours == json.loads(text) and not _has_non_finite(ours)


def test_whole_number_in_link_with_a_control_character(fake_st):
    """The long fuzz's first finding: str.strip() drops '\\x1f', int() does not."""
    from specdiff_app.url import whole_number_in_link

    for raw in ("0\x1f", "5\x1f"):
        fake_st.query_params = {"steps": raw}
        assert whole_number_in_link("steps", 1, 5000, 600) and not fake_st.query_params
