"""The paper's own protocol: Algorithm 5.1 of Siami (2025), a scoring simulation.

The paper's Section 5 trained no network. Its experiments score every edge of a fixed
graph from *theoretical* marginal frequencies ``P_freq`` and effective resistances, keep
the top ``rho |E|`` edges by score, and repeat ``K = 500`` times (ties broken at
random); a trial counts as connected when ``lambda_2`` of the kept subgraph is positive,
and its relative spectral error is ``RSE = |lambda_2(G) - lambda_2(H)| / lambda_2(G)``.
This package runs exactly that, for the four methods of its tables:

- random: ``rho |E|`` edges chosen uniformly;
- standard: score ``S_e = P_freq(e)`` (what a likelihood-trained model converges to,
  the paper's Lemma 3.1);
- weighted: ``S_e = P_freq(e) + lambda R_e`` (the paper's score; it needs R_eff when
  decoding);
- Spectral Oracle: Spielman-Srivastava sampling (``p_e = min(1, C w_e R_e)`` with an
  expected ``rho |E|`` edges, kept edges reweighted by ``1 / p_e``), and the top
  ``rho |E|`` edges by ``w_e R_e`` beside it (``oracle_topk``): the paper's text
  supports both readings, so both are reported.

and for its four experiments: I (barbell 2 x K8, one bridge, rho = 0.5), II (cliques of
10, 15 and 20 in a chain joined by single bridges, rho = 0.6), III (the bridge thickened
into k parallel edges, k = 1..8) and IV (one logit trained by SGD on Bernoulli(eps)
targets, with the positive class weighted by omega). Where the paper is silent every
choice is a field of :class:`ProtocolConfig`; docs/science.md says which we took and why.

It is plain NumPy on graphs of at most a few hundred edges: all four experiments run in
a few seconds on one core, the app's Paper protocol page redraws in well under one.
Nothing here imports torch.

Modules, lowest first: ``settings`` (:class:`ProtocolConfig`), ``reported`` (the paper's
figures and the settings they were reported at), ``graphs`` (the graphs as arrays, R_eff,
lambda_2), ``scores`` (the methods' keep masks and their summary), ``tables`` (Exp I and
II), ``thickness`` (Exp III), ``dynamics`` (Exp IV), ``regime`` (the regime maps) and
``run`` (:func:`run_protocol`: all of them).
"""

from .dynamics import fixed_point, run_dynamics
from .graphs import (
    ProtocolGraph,
    edge_resistance,
    lambda2,
    laplacians,
    n_kept,
    protocol_graph,
    protocol_graph_of,
    thick_frequency,
)
from .regime import regime_map, rescue_lambda
from .reported import PAPER_DYNAMICS, PAPER_TABLES, PAPER_THICKNESS, at_paper_settings
from .run import run_protocol
from .scores import method_trials, oracle_sampling, summarize_trials, topk_masks
from .settings import PROTOCOL_METHODS, THICK_LAYOUTS, ProtocolConfig
from .settings import config_from as config_from  # public, though never in __all__
from .tables import run_table
from .thickness import run_thickness, thickness_variants

__all__ = [
    "PAPER_TABLES",
    "PAPER_THICKNESS",
    "PAPER_DYNAMICS",
    "PROTOCOL_METHODS",
    "ProtocolConfig",
    "ProtocolGraph",
    "protocol_graph",
    "protocol_graph_of",
    "thick_frequency",
    "edge_resistance",
    "laplacians",
    "lambda2",
    "topk_masks",
    "n_kept",
    "oracle_sampling",
    "method_trials",
    "summarize_trials",
    "run_table",
    "run_thickness",
    "thickness_variants",
    "THICK_LAYOUTS",
    "run_dynamics",
    "fixed_point",
    "rescue_lambda",
    "regime_map",
    "run_protocol",
    "at_paper_settings",
]
