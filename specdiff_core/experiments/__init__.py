"""Experiments: the paper's protocol, its claim on trained models, our duel and what goes beyond.

Every trained experiment is a list of independent *units* (one seed, or one setting and one
seed) and a ``combine`` step, so that :mod:`.runner` can run the units in parallel, on
Ray, or resume them from disk, with results identical to a serial run; :mod:`.store`
finds results already computed for the same settings.

Modules, lowest first: ``protocol`` (the paper's own scoring simulation, no torch),
``config`` (settings and presets), ``evaluation`` (samples to metrics and intervals),
``units`` (the duel of one unit), ``paper`` / ``learned`` / ``beyond`` / ``sweeps`` (the
experiments), ``runner`` and ``store`` (running and caching), ``registry`` (names and
:func:`run_experiment`).

Result shape (also written as JSON by ``reproduce``)::

    {"experiment": str, "config": {...}, "seeds": [...], "regime": str,
     "methods": {"standard": {...}, "spectral": {...}, "oracle": {...}, "uniform": {...}}}

where each method holds ``connectivity``, ``connectivity_ci``, ``bridge_survival``,
``bridge_survival_ci`` (for a learned method an interval over seeds, ``ci_over``), the
pooled figures, ``edge_retention``, ``spectral_error``, ``n_samples`` and ``per_seed``;
experiments add their own keys (``series``, ``sweep``, ``verdict``, ``grid``, ...), and
``paper_learned`` / ``paper_learned_map`` have shapes of their own.
"""

from .beyond import control_verdicts
from .config import (
    _DUEL_PAIR,
    DEMO,
    PAPER_REPORTED,
    PRESETS,
    DemoSettings,
    ExperimentConfig,
    demo_duel_config,
)
from .evaluation import (
    BASELINES,
    DuelSamples,
    baseline_draws,
    decode_samples,
    demo_examples,
    evaluate_methods,
    sample_duel,
    train_demo_duel,
)
from .learned import PAPER_DECODERS, PAPER_ROWS, PAPER_TRAINED, paper_statement
from .registry import ALIASES, EXPERIMENTS, Experiment, resolve_name, run_experiment
from .units import Partial, Progress, Unit

__all__ = [
    "PAPER_REPORTED",
    "_DUEL_PAIR",
    "ExperimentConfig",
    "PRESETS",
    "DEMO",
    "DemoSettings",
    "demo_duel_config",
    "demo_examples",
    "baseline_draws",
    "evaluate_methods",
    "DuelSamples",
    "sample_duel",
    "train_demo_duel",
    "BASELINES",
    "decode_samples",
    "Progress",
    "Unit",
    "Partial",
    "PAPER_TRAINED",
    "PAPER_ROWS",
    "PAPER_DECODERS",
    "paper_statement",
    "control_verdicts",
    "Experiment",
    "EXPERIMENTS",
    "ALIASES",
    "resolve_name",
    "run_experiment",
]
