"""The public entry points: :func:`effective_resistance` (every method) and :func:`laplacian`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from ..errors import ConfigError
from .approx import _approx_resistance
from .choose import _choose
from .dense import _dense_resistance
from .inputs import METHODS, _check_eps, _edge_data, _solver_options
from .sparse import _sparse_resistance
from .structure import _laplacian, _prepare


@dataclass(frozen=True)
class ResistanceResult:
    """Effective resistance of every edge, aligned with :func:`graphs.edge_array`."""

    values: np.ndarray  # (m,) float64, R_eff per edge
    edges: np.ndarray  # (m, 2) int64, = graphs.edge_array(G)
    method: str  # which method actually ran: "dense" | "sparse" | "approx"
    reason: str  # one sentence: why this method (esp. why "auto" picked it)
    eps: float | None  # accuracy parameter for approx, else None

    @property
    def plain(self) -> str:
        """What the numbers are, without the linear algebra (:attr:`reason` has that).

        Examples
        --------
        >>> ResistanceResult(np.ones(1), np.zeros((1, 2), int), "approx", "", 0.3).plain
        'Approximate: each value is within about ±30% of the exact one (random projections).'
        """
        if self.method == "approx":
            return (
                f"Approximate: each value is within about ±{self.eps:.0%} of the exact one "
                "(random projections)."
            )
        how = "one dense solve" if self.method == "dense" else "a sparse factorisation"
        return f"Exact: every value is exact up to rounding (computed by {how})."


def laplacian(G: nx.Graph, weight: str | None = "weight") -> sp.csr_matrix:
    """The weighted graph Laplacian ``L = D - W`` in canonical node order.

    Parameters
    ----------
    G : networkx.Graph
        A canonical graph (see :func:`graphs.validate_graph`).
    weight : str or None
        Edge attribute holding the weight; ``None`` means every edge has weight 1.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``(n, n)`` float64, symmetric, rows summing to zero.

    Raises
    ------
    GraphError
        If ``G`` is not canonical or a weight is not a positive finite number.

    Examples
    --------
    >>> laplacian(nx.path_graph(3)).toarray()
    array([[ 1., -1.,  0.],
           [-1.,  2., -1.],
           [ 0., -1.,  1.]])
    """
    n, edges, w = _edge_data(G, weight)
    return _laplacian(n, edges, w)


def effective_resistance(
    G: nx.Graph,
    method: str = "auto",
    *,
    eps: float = 0.3,
    seed: int | np.random.Generator | None = 0,
    k_constant: float = 4.0,
    weight: str | None = "weight",
    **solver_options: Any,
) -> ResistanceResult:
    """Effective resistance of every edge of a canonical graph.

    Parameters
    ----------
    G : networkx.Graph
        A canonical graph (nodes ``0..n-1``, undirected, positive weights); it is
        not modified. Components are handled separately; isolated nodes are ignored.
    method : {"auto", "dense", "sparse", "approx"}
        ``dense`` and ``sparse`` are exact; ``approx`` is the Spielman–Srivastava
        random projection; ``auto`` chooses (see ``reason`` in the result).
    eps : float
        Accuracy of ``approx``, in ``(0, 1)``: ``k = ceil(k_constant ln n / eps^2)``
        random projections. Checked for every method, used only by ``approx``.
    seed : int, Generator or None
        Random signs of ``approx``: the same seed gives the same values.
    k_constant : float
        The constant in ``k``; 4 gives a median relative error of about ``eps / 6``.
    weight : str or None
        Edge attribute with the conductance; ``None`` treats the graph as unweighted.
    **solver_options
        Tuning, see ``SOLVER_OPTIONS``: ``solver``, ``tol``, ``maxiter``,
        ``dense_max_nodes``, ``sparse_max_envelope``, ``max_memory_gib``.

    Returns
    -------
    ResistanceResult
        ``values[i]`` is the resistance of ``edges[i]`` (canonical edge order).

    Raises
    ------
    GraphError
        If ``G`` is not canonical, a weight is unusable, or the weights are so
        spread out that the grounded Laplacian is numerically singular.
    ConfigError
        For an unknown method or solver option, or ``eps``/``k_constant``/a
        solver option out of range.

    Notes
    -----
    Foster's theorem: ``sum_e w_e R_e = n - c`` where ``c`` counts components
    (isolated nodes count as neither nodes nor components here). A bridge of an
    unweighted graph has ``R = 1``; every edge of ``K_k`` has ``R = 2/k``.

    References
    ----------
    .. [1] D. A. Spielman, N. Srivastava, "Graph sparsification by effective
       resistances", SIAM J. Comput. 40(6), 2011.
    .. [2] K. Takahashi, J. Fagan, M.-S. Chin, "Formation of a sparse bus impedance
       matrix and its application to short circuit study", PICA, 1973.

    Examples
    --------
    >>> G = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])
    >>> effective_resistance(G).values.round(4).tolist()
    [0.6667, 0.6667, 0.6667, 1.0]
    """
    if method not in METHODS:
        raise ConfigError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    _check_eps(eps, k_constant)
    opts = _solver_options(solver_options)
    n, edges, w = _edge_data(G, weight)
    if len(w) == 0:
        ran = "dense" if method == "auto" else method
        return ResistanceResult(
            np.zeros(0), edges, ran, "the graph has no edges, so there is nothing to compute", None
        )
    # R scales as 1/w: work with weights divided by a power of two near their geometric
    # mean (exact in floating point) so that degrees neither overflow nor underflow.
    scale = 2.0 ** round(float(np.mean(np.log2(w))))
    g = _prepare(n, edges, w / scale)
    if method == "auto":
        method, reason = _choose(g, opts, eps)
    else:
        reason = f"method={method!r} was requested"
    if method == "dense":
        values = _dense_resistance(g)
    elif method == "sparse":
        values = _sparse_resistance(g)
    else:
        values, how = _approx_resistance(g, eps, seed, k_constant, opts)
        reason = f"{reason}; {how}"
    return ResistanceResult(
        values=values / scale,
        edges=edges,
        method=method,
        reason=reason,
        eps=float(eps) if method == "approx" else None,
    )
