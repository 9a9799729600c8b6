"""The derived seeds keep their values: every stored result depends on them."""

from __future__ import annotations

from specdiff_core import seeds


def test_derived_seeds_keep_their_values():
    assert seeds.example_seed(3, 5) == 3 * 1000 + 5
    assert seeds.sample_seed(3, 5) == 3 * 100 + 5
    assert seeds.decode_seed(seeds.sample_seed(3, 5)) == 3 * 100 + 5 + 3
    assert seeds.baseline_seed(3) == 3 + 7
    assert seeds.held_out_graphs_seed(3) == 10_000 + 3
    assert seeds.held_out_examples_seed(3) == 50_000 + 3
    assert seeds.plain_graphs_seed(3) == 20_000 + 3
    assert seeds.probe_seed(3) == 10_000 + 3
    assert seeds.PAPER_REFERENCE_STREAM == 7
