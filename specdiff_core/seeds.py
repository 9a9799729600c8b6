"""Every derived random seed, in one place.

A run has one seed; each random stream inside it (training targets, test graphs,
sampling, decoding, baselines, the probe's noise) is seeded from it here, so that the
streams stay apart and a result depends only on the run's seed. The values are part of
every stored result: changing one changes the numbers (and the tests say so).
"""

from __future__ import annotations

from dataclasses import dataclass

SEED_MAX = 2**31 - 1  # every seed a user gives is in 0..SEED_MAX (torch and NumPy take it)
EXAMPLE_STRIDE = 1000  # example (or generated graph) i of a set seeded s: s * 1000 + i
SAMPLE_STRIDE = 100  # test graph j of a run seeded s is sampled with s * 100 + j
DECODE_OFFSET = 3  # top-k decoding's ties: the sampling seed + 3, apart from the samples
BASELINE_OFFSET = 7  # the oracle and uniform baselines' draws: seed + 7
HELD_OUT_GRAPHS_OFFSET = 10_000  # held-out test graphs (paper_learned: their examples too)
HELD_OUT_EXAMPLES_OFFSET = 50_000  # the targets of the held-out examples of a duel
PLAIN_GRAPHS_OFFSET = 20_000  # bridged_share's training graphs without a bridge: 20_000 + seed
PROBE_SEED_OFFSET = 10_000  # the probe's noise (a torch stream): 10_000 + seed
PAPER_REFERENCE_STREAM = 7  # paper_learned's protocol reference: rng([seed, 7, k, i])


def example_seed(seed: int, i: int) -> int:
    """The seed of the ``i``-th example (or generated graph) of a set seeded ``seed``."""
    return seed * EXAMPLE_STRIDE + i


def sample_seed(seed: int, j: int) -> int:
    """The sampling seed of the ``j``-th test graph of a run seeded ``seed``."""
    return seed * SAMPLE_STRIDE + j


@dataclass(frozen=True)
class OffsetSeed:
    """A stream seeded a fixed ``offset`` away from the seed it derives from, apart from
    that seed's own stream: ``OffsetSeed(7)(3) == 10``."""

    offset: int

    def __call__(self, seed: int) -> int:
        return seed + self.offset


# Called with a run's seed (the training graphs and examples use the seed itself), except
# decode_seed, called with a sampling seed; the offsets above say what each one seeds.
decode_seed = OffsetSeed(DECODE_OFFSET)
baseline_seed = OffsetSeed(BASELINE_OFFSET)
held_out_graphs_seed = OffsetSeed(HELD_OUT_GRAPHS_OFFSET)
held_out_examples_seed = OffsetSeed(HELD_OUT_EXAMPLES_OFFSET)
plain_graphs_seed = OffsetSeed(PLAIN_GRAPHS_OFFSET)
probe_seed = OffsetSeed(PROBE_SEED_OFFSET)
