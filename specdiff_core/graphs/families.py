"""Graph families: cliques joined by bridges (barbells, chains), networkx classics and
random generators, each seeded and canonical; ``FAMILIES`` and :func:`make_graph` name
them for the CLI and the app."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from ..errors import GraphError
from ..parsing import as_float, as_int, shorten
from .canonical import DEFAULT_LIMITS, Limits, validate_graph


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _finish(G: nx.Graph, family: str, params: dict[str, Any]) -> nx.Graph:
    """Canonicalise a generated graph and record how it was made."""
    out = validate_graph(G, limits=Limits(10**7, 10**8, 10**12), source=family).graph
    out.graph.update({"family": family, "params": params})
    return out


def cliques_joined_by_bridges(
    sizes: Sequence[int],
    *,
    bridge_length: int = 0,
    seed: int | np.random.Generator | None = 0,
    shuffle: bool = True,
    family: str = "cliques_joined_by_bridges",
) -> nx.Graph:
    """Cliques ``K_{sizes[0]}, K_{sizes[1]}, ...`` in a chain, consecutive ones joined by a path.

    Parameters
    ----------
    sizes : sequence of int
        Clique sizes, each >= 2 (a clique of 1 is a single node).
    bridge_length : int
        Number of intermediate nodes on each joining path (0 = one bridge edge, as
        ``networkx.barbell_graph``'s ``m2``). Every edge on a joining path is a bridge.
    seed : int or Generator
        Chooses the endpoints inside each clique and the node relabelling.
    shuffle : bool
        Randomly permute node labels so position in the node order reveals nothing.

    Returns
    -------
    networkx.Graph
        Canonical graph with ``sum(sizes) + (len(sizes)-1) * bridge_length`` nodes.

    Examples
    --------
    >>> G = cliques_joined_by_bridges([3, 4], seed=1)
    >>> G.number_of_nodes(), G.number_of_edges(), len(list(nx.bridges(G)))
    (7, 10, 1)
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 1 or any(s < 2 for s in sizes):
        raise GraphError(f"clique sizes must each be >= 2, got {sizes}")
    if bridge_length < 0:
        raise GraphError(f"bridge_length must be >= 0, got {bridge_length}")
    rng = _rng(seed)
    G = nx.Graph()
    offset = 0
    blocks = []
    for s in sizes:
        block = list(range(offset, offset + s))
        G.add_edges_from((a, b) for i, a in enumerate(block) for b in block[i + 1 :])
        blocks.append(block)
        offset += s
    for left, right in zip(blocks[:-1], blocks[1:], strict=True):
        a = int(rng.choice(left))
        b = int(rng.choice(right))
        path = [a, *range(offset, offset + bridge_length), b]
        offset += bridge_length
        nx.add_path(G, path)
    if shuffle:
        perm = rng.permutation(G.number_of_nodes())
        G = nx.relabel_nodes(G, {i: int(perm[i]) for i in G.nodes()})
        # Insertion order becomes the canonical index, so insert nodes by their shuffled
        # label: inserting them as the edges list them would put each clique back in a
        # contiguous index block and undo the shuffle.
        H = nx.Graph()
        H.add_nodes_from(range(offset))
        H.add_edges_from(sorted(G.edges()))
        G = H
    return _finish(G, family, {"sizes": sizes, "bridge_length": bridge_length, "shuffle": shuffle})


def barbell(
    k1: int = 8, k2: int = 8, bridge_length: int = 0, *, seed: int | np.random.Generator | None = 0
) -> nx.Graph:
    """Two cliques ``K_k1`` and ``K_k2`` joined by a path of ``bridge_length`` inner nodes.

    Bridge endpoints are chosen at random in each clique and labels are shuffled.

    Examples
    --------
    >>> G = barbell(5, 5, seed=0)
    >>> G.number_of_edges(), len(list(nx.bridges(G)))
    (21, 1)
    """
    return cliques_joined_by_bridges(
        [k1, k2], bridge_length=bridge_length, seed=seed, family="barbell"
    )


def asymmetric_chain(
    sizes: Sequence[int] | None = None,
    *,
    n_cliques: int = 3,
    min_size: int = 4,
    max_size: int = 12,
    seed: int | np.random.Generator | None = 0,
) -> nx.Graph:
    """A chain of cliques of unequal sizes joined by single bridges.

    Parameters
    ----------
    sizes : sequence of int, optional
        Explicit clique sizes. If omitted, ``n_cliques`` distinct sizes are drawn
        uniformly from ``[min_size, max_size]`` with ``seed``.

    Examples
    --------
    >>> G = asymmetric_chain([3, 5, 8], seed=0)
    >>> G.number_of_nodes(), len(list(nx.bridges(G)))
    (16, 2)
    """
    rng = _rng(seed)
    if sizes is None:
        if max_size - min_size + 1 < n_cliques:
            raise GraphError(
                f"cannot draw {n_cliques} distinct clique sizes from [{min_size}, {max_size}]; "
                "widen the range or lower n_cliques"
            )
        sizes = sorted(
            int(s) for s in rng.choice(np.arange(min_size, max_size + 1), n_cliques, replace=False)
        )
        sizes = [int(s) for s in rng.permutation(sizes)]
    return cliques_joined_by_bridges(sizes, bridge_length=0, seed=rng, family="asymmetric_chain")


_CLASSICS: dict[str, Callable[[], nx.Graph]] = {
    "karate_club": nx.karate_club_graph,
    "les_miserables": nx.les_miserables_graph,
    "florentine_families": nx.florentine_families_graph,
    "davis_southern_women": nx.davis_southern_women_graph,
}


def classic(name: str = "karate_club", *, seed: int | None = 0) -> nx.Graph:
    """A classic small real graph shipped by networkx, unweighted.

    ``seed`` is accepted for a uniform interface and unused (these graphs are fixed).
    Weights that some of these graphs carry (co-occurrence counts) are dropped, so
    that bridges have resistance exactly 1.
    """
    del seed
    if name not in _CLASSICS:
        raise GraphError(f"unknown classic graph {name!r}; choose one of {sorted(_CLASSICS)}")
    raw = _CLASSICS[name]()
    G = nx.Graph()
    G.add_nodes_from(raw.nodes())
    G.add_edges_from(raw.edges())
    return _finish(G, name, {})


def erdos_renyi(n: int = 60, p: float = 0.1, *, seed: int | None = 0) -> nx.Graph:
    """Erdős–Rényi G(n, p)."""
    _check_prob("p", p)
    _check_count("n", n)
    return _finish(
        nx.gnp_random_graph(int(n), p, seed=_int_seed(seed)), "erdos_renyi", {"n": n, "p": p}
    )


def watts_strogatz(n: int = 60, k: int = 4, p: float = 0.1, *, seed: int | None = 0) -> nx.Graph:
    """Watts–Strogatz small world: ring lattice of degree ``k``, rewiring probability ``p``."""
    _check_prob("p", p)
    if not 2 <= k < n:
        raise GraphError(f"watts_strogatz needs 2 <= k < n, got k={k}, n={n}")
    G = nx.watts_strogatz_graph(int(n), int(k), p, seed=_int_seed(seed))
    return _finish(G, "watts_strogatz", {"n": n, "k": k, "p": p})


def stochastic_block_model(
    sizes: Sequence[int] = (20, 20, 20),
    p_in: float = 0.3,
    p_out: float = 0.01,
    *,
    seed: int | None = 0,
) -> nx.Graph:
    """Stochastic block model with equal in-block and out-block probabilities."""
    _check_prob("p_in", p_in)
    _check_prob("p_out", p_out)
    sizes = [int(s) for s in sizes]
    if not sizes or min(sizes) < 1:
        raise GraphError(f"stochastic_block_model needs block sizes >= 1, got {sizes}")
    probs = [[p_in if i == j else p_out for j in range(len(sizes))] for i in range(len(sizes))]
    G = nx.stochastic_block_model(sizes, probs, seed=_int_seed(seed))
    return _finish(
        nx.Graph(G), "stochastic_block_model", {"sizes": sizes, "p_in": p_in, "p_out": p_out}
    )


def random_geometric(n: int = 80, radius: float = 0.18, *, seed: int | None = 0) -> nx.Graph:
    """Random geometric graph in the unit square (nodes keep their ``pos``)."""
    if radius <= 0:
        raise GraphError(f"radius must be > 0, got {radius}")
    _check_count("n", n)
    G = nx.random_geometric_graph(int(n), radius, seed=_int_seed(seed))
    return _finish(G, "random_geometric", {"n": n, "radius": radius})


def _check_count(name: str, n: int) -> None:
    if int(n) < 1:
        raise GraphError(f"{name} must be a positive number of nodes, got {n}")


def _check_prob(name: str, p: float) -> None:
    if not (0.0 <= float(p) <= 1.0):
        raise GraphError(f"{name} must be a probability in [0, 1], got {p}")


def _int_seed(seed: int | np.random.Generator | None) -> int | None:
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**31))
    return None if seed is None else int(seed)


@dataclass(frozen=True)
class Family:
    """A named graph family: its builder and its default parameters."""

    name: str
    build: Callable[..., nx.Graph]
    defaults: dict[str, Any]
    doc: str


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in [
        Family(
            "barbell",
            barbell,
            {"k1": 8, "k2": 8, "bridge_length": 0},
            "two cliques + one bridge path",
        ),
        Family(
            "asymmetric_chain",
            asymmetric_chain,
            {"n_cliques": 3, "min_size": 4, "max_size": 12},
            "chain of unequal cliques joined by bridges",
        ),
        Family("erdos_renyi", erdos_renyi, {"n": 60, "p": 0.1}, "Erdős–Rényi G(n, p)"),
        Family("watts_strogatz", watts_strogatz, {"n": 60, "k": 4, "p": 0.1}, "small world"),
        Family(
            "stochastic_block_model",
            stochastic_block_model,
            {"sizes": (20, 20, 20), "p_in": 0.3, "p_out": 0.01},
            "planted communities",
        ),
        Family("random_geometric", random_geometric, {"n": 80, "radius": 0.18}, "spatial graph"),
        *[
            Family(
                name, (lambda name=name, seed=0: classic(name, seed=seed)), {}, "networkx classic"
            )
            for name in _CLASSICS
        ],
    ]
}


def make_graph(
    family: str, *, seed: int = 0, limits: Limits = DEFAULT_LIMITS, **params: Any
) -> nx.Graph:
    """Build a graph of a named family (see :data:`FAMILIES`) and enforce ``limits``."""
    if family not in FAMILIES:
        raise GraphError(f"unknown graph family {family!r}; choose one of {sorted(FAMILIES)}")
    fam = FAMILIES[family]
    unknown = set(params) - set(fam.defaults)
    if unknown:
        raise GraphError(
            f"{family} takes parameters {sorted(fam.defaults)}; unknown: {sorted(unknown)}"
        )
    p = _coerce_params(family, fam.defaults, params)
    _check_size_before_build(family, p, limits)
    G = fam.build(**p, seed=seed)
    if G.number_of_nodes() > limits.max_nodes or G.number_of_edges() > limits.max_edges:
        raise GraphError(
            f"{family}: {G.number_of_nodes():,} nodes / {G.number_of_edges():,} edges exceeds "
            f"the limits ({limits.max_nodes:,} / {limits.max_edges:,}); choose smaller parameters"
        )
    return G


MAX_PARAM = 10**12  # counts, sizes, probabilities: past this, arithmetic on them overflows


def _coerce_params(family: str, defaults: dict[str, Any], params: dict[str, Any]) -> dict:
    """Parameters with the types of their defaults (ints, finite floats, tuples of ints),
    each in ``0..MAX_PARAM``, through the checked conversions of :mod:`..parsing`: a link's
    ``n=1e300`` or ``n_cliques=-5`` is a GraphError here, not an OverflowError in a builder."""
    out: dict[str, Any] = {}
    for key, value in {**defaults, **params}.items():
        default = defaults[key]
        try:
            out[key] = _coerce_one(value, default)
        except GraphError:
            raise GraphError(
                f"{family}: parameter {key}={shorten(value)} must be {_kind(default)} in 0..{MAX_PARAM:.0e}"
            ) from None
    return out


def _coerce_one(value: Any, default: Any) -> Any:
    if isinstance(value, bool | str | bytes):
        raise GraphError(type(value).__name__)
    if isinstance(default, tuple):
        if not isinstance(value, list | tuple) or len(value) > 1000:
            raise GraphError("not a list")
        return tuple(_coerce_one(v, 0) for v in value)
    if isinstance(default, int):
        return as_int(value, where="", error=GraphError, low=0, high=MAX_PARAM)
    out = as_float(value, where="", error=GraphError)
    if not 0 <= out <= MAX_PARAM:
        raise GraphError("out of range")
    return out


def _kind(default: Any) -> str:
    if isinstance(default, tuple):
        return "a list of integers"
    return "an integer" if isinstance(default, int) else "a finite number"


def _check_size_before_build(family: str, p: dict[str, Any], limits: Limits) -> None:
    """Refuse requests that are (or are expected to be) too large before building them.

    Clique families have exact sizes (an upper bound for asymmetric_chain, whose
    sizes are drawn); random families are refused when their *expected* number of
    edges is over twice the limit, and checked exactly once built.
    """
    if family == "barbell":
        k1, k2, length = p["k1"], p["k2"], p["bridge_length"]
        n, m, slack = k1 + k2 + length, k1 * (k1 - 1) // 2 + k2 * (k2 - 1) // 2 + length + 1, 1
    elif family == "asymmetric_chain":
        sizes = range(max(p["max_size"] - p["n_cliques"] + 1, 0), p["max_size"] + 1)
        n, m, slack = sum(sizes), sum(s * (s - 1) // 2 for s in sizes) + len(sizes) - 1, 1
    elif family == "erdos_renyi":
        n, m, slack = p["n"], p["p"] * p["n"] * (p["n"] - 1) / 2, 2
    elif family == "watts_strogatz":
        n, m, slack = p["n"], p["n"] * (p["k"] // 2), 1
    elif family == "stochastic_block_model":
        sizes = p["sizes"]
        n = sum(sizes)
        same = sum(s * (s - 1) / 2 for s in sizes)
        m, slack = p["p_in"] * same + p["p_out"] * (n * (n - 1) / 2 - same), 2
    elif family == "random_geometric":
        n = p["n"]
        m, slack = n * (n - 1) / 2 * min(1.0, math.pi * p["radius"] ** 2), 2
    else:  # fixed classics: checked once built
        return
    if n > limits.max_nodes or m > slack * limits.max_edges:
        raise GraphError(
            f"{family}: these parameters give about {n:,} nodes / {int(m):,} edges, above the "
            f"limits ({limits.max_nodes:,} nodes / {limits.max_edges:,} edges); "
            "choose smaller parameters"
        )
