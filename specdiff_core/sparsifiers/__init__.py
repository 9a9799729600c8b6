"""Spectral Oracle (Spielman–Srivastava) and the structure-blind uniform baseline.

Both sparsifiers return a :class:`Sparsified`: per-edge arrays aligned with
:func:`specdiff_core.graphs.edge_array`, the keep probability every edge had, and
the notices a user should read (a raised budget, an approximate resistance).

The *budget* is the target **expected** number of kept edges: a fraction in
``(0, 1]`` of the ``m`` edges, or an absolute count ``> 1`` (at most ``m``).

The oracle never drops a bridge. Its keep probabilities are
``p_e = min(1, C w_e R_e)``; a bridge has ``w_e R_e = 1``, so it is kept with
certainty exactly when ``C >= 1``. ``C = 1`` gives the smallest budget,
``sum_e min(1, w_e R_e)``, which by Foster's theorem is ``n - (components)``: a
spanning forest's worth of edges, below which no subgraph can stay connected
anyway. A smaller budget is raised to that minimum and the notices say so.

Modules, lowest first: ``common`` (the result type; checks of seed, graph and budget),
``probabilities`` (leverage scores and the oracle's keep probabilities), ``oracle`` (the
Spectral Oracle, both variants), ``uniform`` (the baseline), ``api`` (:func:`sparsify` by
name, :func:`sparse_graph`).
"""

from .api import sparse_graph, sparsify
from .common import METHODS, VARIANTS, Sparsified
from .common import Seed as Seed
from .oracle import spectral_oracle
from .probabilities import BRIDGE_TOL, keep_scale, oracle_keep_probabilities
from .probabilities import _solve_scale as _solve_scale
from .uniform import uniform_sparsifier

__all__ = [
    "Sparsified",
    "METHODS",
    "VARIANTS",
    "BRIDGE_TOL",
    "spectral_oracle",
    "uniform_sparsifier",
    "sparsify",
    "sparse_graph",
    "oracle_keep_probabilities",
    "keep_scale",
]
