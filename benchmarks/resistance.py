"""Benchmark of all-edges effective resistance against baselines measured in the same run.

Run with ``python -m specdiff_core bench resistance [--quick] [--out rows.json]``.

For each graph family (Erdős–Rényi, Watts–Strogatz, clique barbell, random
geometric) and size, it times :func:`effective_resistance` next to

1. the loop over ``networkx.resistance_distance`` that most users would write: each
   call copies the graph and takes a dense pseudoinverse, so only a few edges are
   timed and the total is *extrapolated* (``per call x m``; from a smaller graph by
   ``n^3`` when even one call is too slow);
2. the dense floor: LAPACK ``dpotrf`` + ``dpotri`` on the prebuilt grounded dense
   Laplacian of every component (only the two LAPACK calls are timed, with one
   OpenBLAS thread and with the default number, and the better is kept; ours is
   timed from the networkx graph to the values).

Times are the best of ``reps`` interleaved runs (the machine may be shared). Errors
are relative to exact values computed independently here (dense inverse, or, for
graphs too big for it, high-precision CG on a sample of edges). Peak memory is the
``tracemalloc`` peak of a separate, untimed run: numpy and Python allocations, not
the internal workspace of SuperLU or LAPACK.
"""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np
import scipy
from scipy.linalg import lapack

from specdiff_core import graphs
from specdiff_core.files import atomic_write
from specdiff_core.resistance import (
    ResistanceResult,
    _blas_threads,
    _block_pcg,
    effective_resistance,
    laplacian,
)

_LIMITS = graphs.Limits(max_nodes=10**6, max_edges=10**7)


@dataclass
class Row:
    """One line of a results table."""

    section: str  # "exact" or "large"
    family: str
    n: int
    m: int
    method: str  # the method requested ("auto" or "approx") -> what ran
    ours_s: float
    floor_s: float | None
    floor_note: str  # "" (measured) or how it was extrapolated
    nx_s: float | None
    nx_note: str
    max_rel_err: float
    median_rel_err: float
    reference: str
    peak_mib: float
    reason: str


# ------------------------------------------------------------------------------ graphs


def make_family(family: str, n: int, m: int, seed: int = 0) -> nx.Graph:
    """A canonical graph of ``family`` with about ``n`` nodes and ``m`` edges.

    The barbell is sized by edges: two cliques ``K_c`` with ``c (c - 1) ~ m``.

    Examples
    --------
    >>> make_family("barbell", 0, 90).number_of_edges()
    91
    """
    deg = 2 * m / max(n, 1)
    if family == "er":
        G = nx.gnm_random_graph(n, m, seed=seed)
    elif family == "ws":
        G = nx.watts_strogatz_graph(n, 2 * max(1, round(deg / 2)), 0.1, seed=seed)
    elif family == "barbell":
        c = round((1 + math.sqrt(1 + 4 * m)) / 2)
        return graphs.barbell(c, c, seed=seed)
    elif family == "rgg":
        G = nx.random_geometric_graph(n, math.sqrt(deg / (math.pi * n)), seed=seed)
        for node in G:
            G.nodes[node].pop("pos", None)
    else:
        raise ValueError(f"unknown family {family!r}")
    return graphs.validate_graph(G, limits=_LIMITS, source=family).graph


# ---------------------------------------------------------------------------- baselines


def _grounded_blocks(G: nx.Graph) -> list[tuple[np.ndarray, int, np.ndarray]]:
    """Per component with edges: its nodes, grounded node and dense grounded Laplacian."""
    L = laplacian(G).tocsr()
    out = []
    for nodes in graphs.iter_components(G):
        ground = int(nodes[np.argmax(L.diagonal()[nodes])])
        keep = nodes[nodes != ground]
        out.append((nodes, ground, np.asfortranarray(L[keep][:, keep].toarray())))
    return out


def dense_floor(
    blocks: list[tuple[np.ndarray, int, np.ndarray]], threads: int | None = None
) -> tuple[float, list]:
    """Time dpotrf + dpotri on copies of the prebuilt blocks; return time and inverses.

    ``threads``: OpenBLAS threads for the calls (``None``: the library default).
    """
    copies = [np.array(A, order="F") for _, _, A in blocks]
    inverses = []
    with _blas_threads(threads):
        t0 = time.perf_counter()
        for A in copies:
            c, info = lapack.dpotrf(A, lower=1, clean=0, overwrite_a=1)
            inv, info2 = lapack.dpotri(c, lower=1, overwrite_c=1)
            assert info == 0 and info2 == 0, "grounded Laplacian must be positive definite"
            inverses.append(inv)
        elapsed = time.perf_counter() - t0
    return elapsed, inverses


def _floor_time(out: tuple[float, list]) -> float:
    return out[0]


def exact_from_floor(
    G: nx.Graph, blocks: list[tuple[np.ndarray, int, np.ndarray]], inverses: list
) -> np.ndarray:
    """Exact R per canonical edge from the floor's inverses (written independently)."""
    edges = graphs.edge_array(G)
    full = {}
    for (nodes, ground, _), inv in zip(blocks, inverses, strict=True):
        Z = np.tril(inv) + np.tril(inv, -1).T  # (nc-1, nc-1) symmetric
        keep = nodes[nodes != ground]
        for node in nodes:
            full[int(node)] = (nodes, keep, Z)
    R = np.empty(len(edges))
    pos_cache: dict[int, dict[int, int]] = {}
    for i, (u, v) in enumerate(edges):
        nodes, keep, Z = full[int(u)]
        pos = pos_cache.setdefault(id(Z), {int(x): j for j, x in enumerate(keep)})
        a, b = pos.get(int(u)), pos.get(int(v))
        zaa = Z[a, a] if a is not None else 0.0
        zbb = Z[b, b] if b is not None else 0.0
        zab = Z[a, b] if a is not None and b is not None else 0.0
        R[i] = zaa + zbb - 2 * zab
    return R


def _by_hand(G: nx.Graph, res: ResistanceResult) -> str:
    """For a barbell of two K_c: bridges have R = 1 and clique edges R = 2/c exactly."""
    if G.graph.get("family") != "barbell":
        return ""
    c = G.graph["params"]["sizes"][0]
    bridges = {tuple(sorted(e)) for e in nx.bridges(G)}
    want = np.array([1.0 if (int(u), int(v)) in bridges else 2.0 / c for u, v in res.edges])
    return f"; vs 2/c and 1 by hand: {np.max(np.abs(res.values - want) / want):.1e}"


def networkx_loop(G: nx.Graph, n_edges: int) -> tuple[float, np.ndarray, np.ndarray]:
    """Per-call time of ``nx.resistance_distance`` on the first edges, and its values."""
    edges = graphs.edge_array(G)[:n_edges]
    comp_of = {}
    for nodes in graphs.iter_components(G):
        for node in nodes:
            comp_of[int(node)] = nodes
    t0 = time.perf_counter()
    vals = []
    for u, v in edges:
        H = G if len(comp_of[int(u)]) == G.number_of_nodes() else G.subgraph(comp_of[int(u)])
        vals.append(nx.resistance_distance(H, int(u), int(v), weight="weight", invert_weight=False))
    per_call = (time.perf_counter() - t0) / len(edges)
    return per_call, np.arange(len(edges)), np.array(vals)


def sampled_reference(G: nx.Graph, n_sample: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Exact R on a random sample of edges by CG to relative residual 1e-10."""
    edges = graphs.edge_array(G)
    L = laplacian(G)
    idx = np.sort(np.random.default_rng(seed).choice(len(edges), n_sample, replace=False))
    Y = np.zeros((G.number_of_nodes(), n_sample))  # (n, s) one column b_e per edge
    Y[edges[idx, 0], np.arange(n_sample)] = 1.0
    Y[edges[idx, 1], np.arange(n_sample)] = -1.0
    B = Y.copy()
    X, _, worst = _block_pcg(L, Y, np.asarray(L.diagonal()), {"tol": 1e-10, "maxiter": 20000})
    assert worst <= 1e-10, f"reference CG did not converge ({worst:.1e})"
    return idx, np.einsum("ij,ij->j", B, X)


# -------------------------------------------------------------------------- measurement


def _best_of(reps: int, *fns: Callable[[], Any]) -> list[tuple[float, Any]]:
    """Interleave the functions ``reps`` times; return (best time, last output) for each."""
    best = [math.inf] * len(fns)
    outs: list[Any] = [None] * len(fns)
    for _ in range(reps):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            outs[i] = fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return list(zip(best, outs, strict=True))


def _peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _rel_err(est: np.ndarray, ref: np.ndarray) -> tuple[float, float]:
    rel = np.abs(est - ref) / np.abs(ref)
    return float(rel.max()), float(np.median(rel))


def bench_exact(family: str, n: int, m: int, reps: int, nx_edges: int) -> tuple[Row, dict]:
    """Auto (exact here) vs the dense floor vs the networkx loop on one graph."""
    G = make_family(family, n, m)
    blocks = _grounded_blocks(G)
    (t_ours, res), (t_f1, _), (t_fd, (_, inverses)) = _best_of(
        reps,
        lambda: effective_resistance(G),
        lambda: dense_floor(blocks, threads=1),
        lambda: dense_floor(blocks),
    )
    assert isinstance(res, ResistanceResult)
    t_floor = min(t_f1, t_fd)
    exact = exact_from_floor(G, blocks, inverses)
    per_call, idx, nx_vals = networkx_loop(G, nx_edges)
    nx_dev = float(np.max(np.abs(res.values[idx] - nx_vals) / nx_vals))
    mx, med = _rel_err(res.values, exact)
    row = Row(
        "exact",
        family,
        G.number_of_nodes(),
        G.number_of_edges(),
        f"auto->{res.method}",
        t_ours,
        t_floor,
        "",
        per_call * G.number_of_edges(),
        f"extrap. from {len(idx)} calls",
        mx,
        med,
        f"dense inverse; vs networkx on {len(idx)} edges: {nx_dev:.1e}" + _by_hand(G, res),
        _peak_mib(lambda: effective_resistance(G)),
        res.reason,
    )
    return row, {"per_call": per_call, "n": G.number_of_nodes(), "floor": t_floor}


def bench_large(
    family: str, n: int, m: int, eps: float, eps_tight: float, reps: int, scale: dict[str, dict]
) -> list[Row]:
    """Approx (and auto, when it picks something else) on a graph too big for the floor."""
    G = make_family(family, n, m)
    n_, m_ = G.number_of_nodes(), G.number_of_edges()
    small = scale[family]
    factor = (n_ / small["n"]) ** 3
    if n_ <= 3000:  # small enough to measure everything (the big barbell has ~630 nodes)
        blocks = _grounded_blocks(G)
        floor_s, inverses = min(
            (dense_floor(blocks, threads) for _ in range(reps) for threads in (1, None)),
            key=_floor_time,
        )
        ref_idx = np.arange(m_)
        ref = exact_from_floor(G, blocks, inverses)
        reference, floor_note = "dense inverse", ""
        if n_ <= 1000:
            per_call, _, _ = networkx_loop(G, 2)
            nx_s, nx_note = per_call * m_, "extrap. from 2 calls"
        else:
            nx_s, nx_note = small["per_call"] * factor * m_, f"extrap. n^3 from n={small['n']}"
    else:
        floor_s, floor_note = small["floor"] * factor, f"extrap. n^3 from n={small['n']}"
        nx_s, nx_note = small["per_call"] * factor * m_, f"extrap. n^3 from n={small['n']}"
        exact_res = None
        if family == "rgg":  # low fill: the exact sparse route is cheap, use all edges
            exact_res = effective_resistance(G, "sparse")
            ref_idx, ref, reference = np.arange(m_), exact_res.values, "exact sparse, all edges"
        else:
            ref_idx, ref = sampled_reference(G, 200)
            reference = "CG to 1e-10 on 200 sampled edges"
    rows = []
    for method, e in [("approx", eps), ("approx", eps_tight), ("auto", eps)]:
        kwargs = {"eps": e, "seed": 0}

        def run(method: str = method, kwargs: dict = kwargs) -> ResistanceResult:
            return effective_resistance(G, method, **kwargs)

        ((t, res),) = _best_of(reps, run)
        if method == "auto" and res.method == "approx":
            continue  # same as the first approx row
        mx, med = _rel_err(res.values[ref_idx], ref)
        label = f"approx eps={e:g}" if method == "approx" else f"auto->{res.method}"
        rows.append(
            Row(
                "large",
                family,
                n_,
                m_,
                label,
                t,
                floor_s,
                floor_note,
                nx_s,
                nx_note,
                mx,
                med,
                reference,
                _peak_mib(run),
                res.reason,
            )
        )
    return rows


# ------------------------------------------------------------------------------ output


def _fmt_s(x: float | None, note: str = "") -> str:
    if x is None:
        return "-"
    s = f"{x:.3g}" if x < 1000 else f"{x:,.0f}"
    return f"{s}*" if note else s


def format_table(rows: list[Row]) -> str:
    head = (
        "| family | n | m | method | ours s | floor s | ours/floor | networkx loop s | "
        "nx/ours | max rel err | median rel err | peak MiB | reference |"
    )
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        ratio = f"{r.ours_s / r.floor_s:.2f}" if r.floor_s else "-"
        speedup = f"{r.nx_s / r.ours_s:,.0f}x" if r.nx_s else "-"
        lines.append(
            f"| {r.family} | {r.n:,} | {r.m:,} | {r.method} | {r.ours_s:.3f} | "
            f"{_fmt_s(r.floor_s, r.floor_note)} | {ratio} | {_fmt_s(r.nx_s, r.nx_note)} | "
            f"{speedup} | {r.max_rel_err:.1e} | {r.median_rel_err:.1e} | {r.peak_mib:.0f} | "
            f"{r.reference} |"
        )
    return "\n".join(lines)


def _targets(rows: list[Row], quick: bool) -> list[str]:
    out = []
    for r in rows:
        if r.section == "exact" and r.n >= 1_500 and r.m >= 15_000:
            ok = r.ours_s <= 0.3 and r.floor_s is not None and r.ours_s <= 1.5 * r.floor_s
            out.append(
                f"exact {r.family} n={r.n:,} m={r.m:,}: {r.ours_s:.3f} s (target <= 0.3 s), "
                f"{r.ours_s / (r.floor_s or math.nan):.2f}x the dense floor (target <= 1.5x): "
                f"{'met' if ok else 'NOT met'}"
            )
        if r.section == "large" and r.n >= 10_000 and r.method.startswith("approx"):
            ok = r.ours_s <= 10 and r.median_rel_err <= 0.05
            out.append(
                f"approx {r.family} n={r.n:,} m={r.m:,}: {r.ours_s:.2f} s (target <= 10 s), "
                f"median rel err {r.median_rel_err:.1%} (target <= 5%): "
                f"{'met' if ok else 'NOT met'}"
            )
    peak = max(r.peak_mib for r in rows)
    out.append(
        f"memory: largest tracemalloc peak {peak:,.0f} MiB (target well under 2 GiB): "
        f"{'met' if peak < 1024 else 'NOT met'}"
    )
    if quick:
        out.append("(--quick uses smaller graphs; the size targets apply to the full run)")
    return out


def main(quick: bool = False, out: str | None = None) -> int:
    """Run the benchmark, print the tables and targets, optionally write JSON rows."""
    eps, eps_tight, reps = 0.3, 0.25, 3
    if quick:
        exact_sizes, large_size, nx_edges = [(300, 3_000)], (1_500, 7_500), 2
    else:
        exact_sizes, large_size, nx_edges = [(500, 5_000), (2_000, 20_000)], (20_000, 100_000), 3
    families = ("er", "ws", "barbell", "rgg")
    load0 = os.getloadavg()
    print(
        f"# effective resistance benchmark ({'quick' if quick else 'full'}) - "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load0[0]:.1f} at start; python {sys.version.split()[0]}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, networkx {nx.__version__}"
    )
    t_start = time.perf_counter()
    rows: list[Row] = []
    scale: dict[str, dict] = {}
    for n, m in exact_sizes:
        for fam in families:
            row, info = bench_exact(fam, n, m, reps, nx_edges)
            rows.append(row)
            scale[fam] = info
            print(f"  done exact {fam} n={row.n} m={row.m}", file=sys.stderr)
    for fam in families:
        rows.extend(bench_large(fam, *large_size, eps, eps_tight, reps, scale))
        print(f"  done large {fam}", file=sys.stderr)
    print()
    print("Exact all-edges R_eff (method auto):")
    print(format_table([r for r in rows if r.section == "exact"]))
    print()
    print("Large graphs (seed=0; auto and the first approx row use the default eps=0.3):")
    print(format_table([r for r in rows if r.section == "large"]))
    print()
    print(
        "Times: best of 3 interleaved runs, in seconds; ours from the networkx graph to the "
        "values, floor = dpotrf+dpotri only on prebuilt dense grounded Laplacians, the better of 1 "
        "and the default number of OpenBLAS threads. "
        "* = extrapolated (networkx: per-call time x m; n^3: from the largest measured size)."
    )
    print(
        "Errors: |ours - exact| / exact. Peak MiB: tracemalloc peak of one untimed run "
        "(numpy/Python allocations; SuperLU and LAPACK workspace not counted)."
    )
    for line in _targets(rows, quick):
        print("target:", line)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"process peak RSS (ru_maxrss, whole run incl. graph building and baselines): "
        f"{rss:,.0f} MiB; wall time {time.perf_counter() - t_start:.0f} s; "
        f"load average {os.getloadavg()[0]:.1f} at end"
    )
    for r in rows:
        print(f"reason [{r.family} n={r.n:,} {r.method}]: {r.reason}")
    if out:
        atomic_write(out, json.dumps([asdict(r) for r in rows], indent=1))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(quick="--quick" in sys.argv))
