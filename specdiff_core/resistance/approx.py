"""Approximate resistance: Spielman–Srivastava random projection, by block CG or one factor."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import ConfigError
from .blas import _blas_threads
from .sparse import _factor
from .structure import _envelope, _Graph, _grounded, _laplacian

_EDGE_CHUNK = 8192  # edges per block of random signs (fixed, so a seed gives fixed values)


def _approx_resistance(
    g: _Graph,
    eps: float,
    seed: int | np.random.Generator | None,
    k_constant: float,
    opts: dict[str, Any],
) -> tuple[np.ndarray, str]:
    """Spielman–Srivastava: R_e ~ ||Z b_e||^2 with Z = Q W^1/2 B L^+ (k random rows)."""
    k = _projection_count(g, eps, k_constant, opts)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    Y = _projected_incidence(g, k, rng)  # (n, k) = B^T W^1/2 Q^T * sqrt(k)
    solver = opts["solver"]
    if solver == "auto":
        A, _ = _grounded(g)
        env = _envelope(A)
        solver = "factor" if env <= float(opts["sparse_max_envelope"]) else "cg"
    if solver == "factor":
        X = _solve_factor(g, Y)
        how = f"k={k} projections solved with one sparse factorisation"
    else:
        X, its, worst = _block_pcg(_laplacian(g.n, g.edges, g.w), Y, g.deg, opts)
        how = f"k={k} projections solved together by Jacobi-preconditioned CG in {its} iterations"
        if worst > float(opts["tol"]):
            warnings.warn(
                f"CG stopped after maxiter={opts['maxiter']} iterations with relative "
                f"residual {worst:.1e} > tol={opts['tol']:g}; raise maxiter or use "
                "solver='factor'",
                RuntimeWarning,
                stacklevel=3,
            )
            how += f" (not converged: residual {worst:.1e})"
    return _edge_distances(g, X, k), how


def _projection_count(g: _Graph, eps: float, k_constant: float, opts: dict[str, Any]) -> int:
    """``k = ceil(k_constant ln n / eps^2)``, or ConfigError if that needs too much memory."""
    # eps**2 underflows to 0 below 1e-162 (ZeroDivisionError) and k overflows for a huge
    # k_constant: past 2^53 projections no memory suffices, so say so as for a large k.
    k_float = k_constant * math.log(max(g.n, 2)) / max(float(eps), 1e-150) ** 2
    if not k_float <= 2.0**53:
        raise ConfigError(
            f"eps={eps:g} (k_constant={k_constant:g}) needs more than 2^53 random projections "
            "of the graph; raise eps, lower k_constant, or use an exact method"
        )
    k = math.ceil(k_float)
    need_gib = 5 * g.n * k * 8 / 2**30
    if need_gib > float(opts["max_memory_gib"]):
        raise ConfigError(
            f"eps={eps:g} needs k={k:,} random projections of {g.n:,} nodes (about "
            f"{need_gib:.1f} GiB, over max_memory_gib={opts['max_memory_gib']}); "
            "raise eps, lower k_constant, or use an exact method"
        )
    return k


def _edge_distances(g: _Graph, X: np.ndarray, k: int) -> np.ndarray:
    """``||X_u - X_v||^2 / k`` for every edge ``(u, v)``, a block of edges at a time."""
    values = np.empty(g.m)  # (m,)
    u, v = g.edges[:, 0], g.edges[:, 1]
    for a in range(0, g.m, _EDGE_CHUNK):
        diff = X[u[a : a + _EDGE_CHUNK]] - X[v[a : a + _EDGE_CHUNK]]  # (chunk, k)
        values[a : a + _EDGE_CHUNK] = np.einsum("ij,ij->i", diff, diff) / k
    return values


def _projected_incidence(g: _Graph, k: int, rng: np.random.Generator) -> np.ndarray:
    """``B^T W^{1/2} S^T``: each edge adds ``±sqrt(w)`` to its ends in ``k`` columns."""
    Y = np.zeros((g.n, k))  # (n, k)
    sqrt_w = np.sqrt(g.w)  # (m,)
    for a in range(0, g.m, _EDGE_CHUNK):
        b = min(g.m, a + _EDGE_CHUNK)
        signs = rng.integers(0, 2, size=(b - a, k), dtype=np.int8)  # (c, k) in {0, 1}
        S = signs.astype(np.float64)  # (c, k)
        S *= 2.0
        S -= 1.0
        S *= sqrt_w[a:b, None]
        cols = np.arange(b - a)
        Bt = sp.csr_matrix(
            (
                np.r_[np.ones(b - a), -np.ones(b - a)],
                (np.r_[g.edges[a:b, 0], g.edges[a:b, 1]], np.r_[cols, cols]),
            ),
            shape=(g.n, b - a),
        )  # (n, c) signed incidence, transposed
        Y += Bt @ S
    return Y


def _solve_factor(g: _Graph, Y: np.ndarray) -> np.ndarray:
    """Solve ``L X = Y`` (columns of Y sum to 0 per component) with one sparse factor."""
    A, index = _grounded(g)
    keep = index >= 0
    X = np.zeros_like(Y)  # (n, k); grounded and isolated nodes stay 0
    with _blas_threads(1):
        lu = _factor(A)
        X[keep] = lu.solve(np.asfortranarray(Y[keep]))
    return X


def _block_pcg(
    L: sp.csr_matrix, Y: np.ndarray, deg: np.ndarray, opts: dict[str, Any]
) -> tuple[np.ndarray, int, float]:
    """Jacobi-preconditioned CG on all columns of ``L X = Y`` at once (own step per column).

    ``L`` is singular but every column of ``Y`` sums to zero on each component, so the
    system is consistent; the constant that CG may leave in each component cancels
    in ``X_u - X_v``. ``Y`` is overwritten (it becomes the residual).
    """
    tol, maxiter = float(opts["tol"]), int(opts["maxiter"])
    dinv = np.where(deg > 0, 1.0 / np.where(deg > 0, deg, 1.0), 0.0)[:, None]  # (n, 1)
    bnorm = np.sqrt(np.einsum("ij,ij->j", Y, Y))  # (k,)
    bnorm[bnorm == 0] = 1.0
    X = np.zeros_like(Y)  # (n, k)
    R = Y  # (n, k) residual, in place
    Z = dinv * R  # (n, k) preconditioned residual, also scratch
    P = Z.copy()  # (n, k) search directions
    rz = np.einsum("ij,ij->j", R, Z)  # (k,)
    worst, it = float(np.max(np.sqrt(np.einsum("ij,ij->j", R, R)) / bnorm)), 0
    while worst > tol and it < maxiter:
        AP = L @ P  # (n, k)
        pap = np.einsum("ij,ij->j", P, AP)  # (k,)
        alpha = np.divide(rz, pap, out=np.zeros_like(rz), where=pap > 0)  # (k,)
        np.multiply(P, alpha, out=Z)
        X += Z
        np.multiply(AP, alpha, out=Z)
        R -= Z
        del AP
        worst = float(np.max(np.sqrt(np.einsum("ij,ij->j", R, R)) / bnorm))
        it += 1
        np.multiply(R, dinv, out=Z)
        rz_new = np.einsum("ij,ij->j", R, Z)  # (k,)
        beta = np.divide(rz_new, rz, out=np.zeros_like(rz), where=rz > 0)  # (k,)
        rz = rz_new
        P *= beta
        P += Z
    return X, it, worst
