"""The bridge atlas: per shipped real network (``graphs.real``), its bridges, what the
Spectral Oracle, the uniform sparsifier and the protocol's top rho|E| by R keep of them at
a budget, and a certified sparsifier: one oracle draw with lambda_2 of the graph and of the
sparsifier, its spectral error and the bridges it kept, written as GraphML or JSON.

No training: R_eff is exact, the draws are seeded (``seeds.py`` streams are not needed: one
generator per network, from ``seed``), intervals are Wilson over the draws.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from ..errors import ConfigError
from ..graphs import bridge_mask, edge_array, edge_weights, node_labels
from ..graphs.real import NETWORKS, load_network
from ..metrics import evaluate_batch, spectral_quality, summarize
from ..resistance import effective_resistance
from ..sparsifiers import sparsify

ATLAS_MAX_NODES = 4_000  # lambda_2 and the spectral error by a dense solve, up to this


@dataclass(frozen=True)
class AtlasConfig:
    budget: float = 0.5  # expected kept share of the edges (raised to n - 1 if below)
    draws: int = 200  # oracle and uniform draws per network
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.budget <= 1:
            raise ConfigError(f"budget must be a share of the edges in (0, 1], got {self.budget}")
        if not 1 <= self.draws <= 10_000:
            raise ConfigError(f"draws must be in 1..10000, got {self.draws}")


def lambda2(G: nx.Graph, weights: np.ndarray | None = None) -> float:
    """The algebraic connectivity of ``G`` with edge ``weights`` (canonical order; default
    its own): the second smallest Laplacian eigenvalue, 0 when disconnected.

    >>> round(lambda2(nx.path_graph(3)), 9)
    1.0
    """
    import scipy.linalg

    n = G.number_of_nodes()
    if n > ATLAS_MAX_NODES:
        raise ConfigError(f"lambda_2 by a dense solve takes graphs up to {ATLAS_MAX_NODES} nodes")
    if n < 2:
        return 0.0
    edges = edge_array(G)  # (m, 2)
    w = edge_weights(G, edges) if weights is None else np.asarray(weights, dtype=np.float64)
    L = np.zeros((n, n))
    np.add.at(L, (edges[:, 0], edges[:, 1]), -w)
    np.add.at(L, (edges[:, 1], edges[:, 0]), -w)
    L[np.diag_indices(n)] = -L.sum(axis=1)
    val = scipy.linalg.eigh(L, eigvals_only=True, subset_by_index=[1, 1])[0]
    scale = max(1.0, float(np.abs(w).max(initial=0.0)))
    return float(val) if val > 1e-10 * scale else 0.0


def atlas_row(name: str, cfg: AtlasConfig = AtlasConfig()) -> dict[str, Any]:
    """One network's line of the atlas (see the module's docstring)."""
    loaded = load_network(name)  # an unknown name: GraphError naming the choices
    net = NETWORKS[name]
    G = loaded.graph
    R = effective_resistance(G, "dense" if G.number_of_nodes() <= 3000 else "auto").values
    b = bridge_mask(G)  # (m,)
    w = edge_weights(G)
    rng = np.random.default_rng(cfg.seed)
    kept: dict[str, Any] = {}
    for method in ("oracle", "uniform"):
        masks = np.stack(
            [
                sparsify(G, method, budget=cfg.budget, seed=rng, resistance=R).mask
                for _ in range(cfg.draws)
            ]
        )  # (draws, m)
        s = summarize(evaluate_batch(G, masks, spectral=False))
        kept[method] = {
            k: s[k]
            for k in ("bridge_survival", "bridge_survival_ci", "connectivity", "connectivity_ci")
        }
    top = np.argsort(-(w * R), kind="stable")[: int(cfg.budget * len(R))]  # the top rho|E| by wR
    return {
        "name": name,
        "title": net.title,
        "kind": net.kind,
        "source": net.source,
        "licence": net.licence,
        "meaning": net.meaning,
        "notices": loaded.notices,
        "n": G.number_of_nodes(),
        "m": G.number_of_edges(),
        "bridges": int(b.sum()),
        "bridge_share": float(b.mean()),
        "single_circuit_bridges": int((b & (w == 1)).sum()),
        "R_median": float(np.median(R)),
        "R_max_non_bridge": float(R[~b].max()) if (~b).any() else float("nan"),
        "budget": cfg.budget,
        "draws": cfg.draws,
        "kept": kept,
        "topk_bridges_kept": int(b[top].sum()),
    }


def bridge_atlas(names: list[str] | None = None, cfg: AtlasConfig = AtlasConfig()) -> list[dict]:
    """:func:`atlas_row` of every shipped network (or of ``names``)."""
    return [atlas_row(name, cfg) for name in (names or list(NETWORKS))]


def certified_sparsifier(name: str, *, budget: float = 0.5, seed: int = 0) -> dict[str, Any]:
    """One Spectral Oracle draw of network ``name`` with its certificate: lambda_2 of the
    graph and of the sparsifier (reweighted), the spectral error epsilon
    (``(1 - eps) L_G <= L_H <= (1 + eps) L_G``) and the bridges kept."""
    G = load_network(name).graph
    if G.number_of_nodes() > ATLAS_MAX_NODES:
        raise ConfigError(f"{name} is too large to certify by a dense solve")
    sp = sparsify(G, "oracle", budget=budget, seed=seed)
    b = bridge_mask(G)
    q = spectral_quality(G, sp.weights, max_dense_nodes=ATLAS_MAX_NODES)
    return {
        "graph": G,
        "sparsified": sp,
        "certificate": {
            "network": name,
            "source": NETWORKS[name].source,
            "licence": NETWORKS[name].licence,
            "method": "Spectral Oracle (independent keep, reweighted by 1/p)",
            "budget": float(budget),
            "seed": int(seed),
            "n": G.number_of_nodes(),
            "m": G.number_of_edges(),
            "kept_edges": sp.n_kept,
            "lambda2_original": lambda2(G),
            "lambda2_sparsifier": lambda2(G, sp.weights),
            "spectral_error": float(q.epsilon),
            "bridges": int(b.sum()),
            "bridges_kept": int(sp.mask[b].sum()),
        },
    }


def certificate_bytes(cert: dict[str, Any], fmt: str = "graphml") -> bytes:
    """The sparsifier of :func:`certified_sparsifier` as GraphML or node-link JSON: every
    node, the kept edges with their reweighted weight and a ``bridge`` flag, the
    certificate as graph attributes."""
    if fmt not in ("graphml", "json"):
        raise ConfigError(f"unknown export format {fmt!r}; choose graphml or json")
    G, sp = cert["graph"], cert["sparsified"]
    labels = [str(x) for x in node_labels(G)]
    b = bridge_mask(G)
    H = nx.Graph(**cert["certificate"])
    H.add_nodes_from(labels)
    for (u, v), keep, w, br in zip(edge_array(G), sp.mask, sp.weights, b, strict=True):
        if keep:
            H.add_edge(labels[u], labels[v], weight=float(w), bridge=int(br))
    if fmt == "json":
        return json.dumps(nx.node_link_data(H, edges="links"), indent=1).encode()
    return "\n".join(nx.generate_graphml(H)).encode()


def _pct(x: float, ci: list[float] | None = None) -> str:
    out = f"{100 * x:.1f}%"
    return out + (f" [{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]" if ci is not None else "")


def kept_table(row: dict[str, Any]) -> list[dict[str, str]]:
    """What each method keeps of one network's bridges (rows for a table)."""
    labels = {"oracle": "Spectral Oracle", "uniform": "uniform sparsifier"}
    out = [
        {
            "method": labels[m],
            "bridges kept (95% CI)": _pct(v["bridge_survival"], v["bridge_survival_ci"]),
            "connected (95% CI)": _pct(v["connectivity"], v["connectivity_ci"]),
        }
        for m, v in row["kept"].items()
    ]
    top = row["topk_bridges_kept"] / row["bridges"] if row["bridges"] else float("nan")
    out.append(
        {
            "method": "top ρ|E| by w·R (the protocol's)",
            "bridges kept (95% CI)": _pct(top),
            "connected (95% CI)": "(one ranking)",
        }
    )
    return out


def atlas_markdown(rows: list[dict[str, Any]]) -> list[str]:
    """The atlas as a markdown table, one line per network."""
    lines = [
        "| network | kind | n | m | bridges | oracle keeps | uniform keeps | top ρ\\|E\\| by R keeps | oracle connected | uniform connected |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        o, u = r["kept"]["oracle"], r["kept"]["uniform"]
        lines.append(
            f"| {r['title']} | {r['kind']} | {r['n']} | {r['m']} | {r['bridges']} "
            f"({100 * r['bridge_share']:.1f}%) | {_pct(o['bridge_survival'], o['bridge_survival_ci'])} "
            f"| {_pct(u['bridge_survival'], u['bridge_survival_ci'])} | {r['topk_bridges_kept']}/{r['bridges']} "
            f"| {_pct(o['connectivity'], o['connectivity_ci'])} | {_pct(u['connectivity'], u['connectivity_ci'])} |"
        )
    return lines
