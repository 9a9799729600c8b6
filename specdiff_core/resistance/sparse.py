"""Exact resistance from the selected inverse of a sparse ``L D L^T`` (Takahashi)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack
from scipy.sparse.linalg import splu

from ..errors import GraphError
from .blas import _blas_threads
from .structure import _Graph, _grounded


def _sparse_resistance(g: _Graph) -> np.ndarray:
    """Exact R_eff from the selected inverse of a sparse LDL^T of the grounded Laplacian."""
    A, index = _grounded(g)
    N = A.shape[0]
    with _blas_threads(1):
        lu = _factor(A)
        perm = lu.perm_c.astype(np.int64)  # original index i sits at perm[i]
        if not np.array_equal(lu.perm_r, lu.perm_c):  # pragma: no cover - SPD needs no pivots
            raise RuntimeError("SuperLU pivoted on an SPD matrix; selected inversion needs none")
        Lf = sp.csc_matrix(lu.L)
        Lf.sort_indices()
        d = lu.U.diagonal()  # (N,) the D of L D L^T
        z, keys = _selected_inverse(Lf, d)
        if z is None:
            raise _underflow_error(g)
    pa = np.where(index[g.edges[:, 0]] >= 0, perm[np.maximum(index[g.edges[:, 0]], 0)], -1)
    pb = np.where(index[g.edges[:, 1]] >= 0, perm[np.maximum(index[g.edges[:, 1]], 0)], -1)
    hi, lo = np.maximum(pa, pb), np.minimum(pa, pb)  # (m,) each; lower triangle: col lo
    za = np.where(pa >= 0, z[Lf.indptr[np.maximum(pa, 0)]], 0.0)  # diagonal leads each column
    zb = np.where(pb >= 0, z[Lf.indptr[np.maximum(pb, 0)]], 0.0)
    want = np.maximum(lo, 0) * N + hi
    pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    if not np.all((keys[pos] == want) | (lo < 0)):
        raise _underflow_error(g)
    zab = np.where(lo >= 0, z[pos], 0.0)
    return za + zb - 2.0 * zab


def _underflow_error(g: _Graph) -> GraphError:
    return GraphError(
        f"edge weights span {np.log10(g.w.max()) - np.log10(g.w.min()):.0f} orders of "
        "magnitude, so entries of the sparse factor "
        "underflow to zero and its pattern is incomplete; use method='dense' or bring the "
        "weights closer together"
    )


def _factor(A: sp.csc_matrix) -> Any:
    """SuperLU with a symmetric minimum-degree ordering and no pivoting: P A P^T = L U."""
    return splu(
        A,
        permc_spec="MMD_AT_PLUS_A",
        diag_pivot_thresh=0.0,
        options={"SymmetricMode": True},
    )


def _selected_inverse(Lf: sp.csc_matrix, d: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """Entries of ``(L D L^T)^-1`` on the lower pattern of ``L`` (Takahashi, by supernodes).

    Processing supernodes ``J`` from last to first, with ``S`` the rows below ``J``:
    ``Z_SJ = -Z_SS L_SJ L_JJ^-1`` and ``Z_JJ = L_JJ^-T (D_J^-1 L_JJ^-1 - L_SJ^T Z_SJ)``.
    Every ``Z_SS`` needed lies in the pattern (the factor's pattern is chordal).
    Returns the values aligned with ``Lf.data`` and the sorted keys ``col * N + row``;
    the values are ``None`` if the pattern is not closed (entries that underflowed to
    zero were dropped from the factor).
    """
    N = Lf.shape[0]
    ip, rows, lv = Lf.indptr, Lf.indices.astype(np.int64), Lf.data
    count = np.diff(ip)  # (N,) entries per column, diagonal included
    keys = np.repeat(np.arange(N, dtype=np.int64), count) * N + rows  # (nnz,) sorted
    # Column j+1 continues j's supernode when struct(j) = {j} + struct(j+1).
    joins = np.zeros(N, dtype=bool)
    if N > 1:
        second = np.where(count[:-1] > 1, rows[np.minimum(ip[:-2] + 1, len(rows) - 1)], -1)
        joins[1:] = (count[:-1] == count[1:] + 1) & (second == np.arange(1, N))
    starts = np.flatnonzero(~joins)
    ends = np.r_[starts[1:], N]
    z = np.zeros_like(lv)  # (nnz,)
    for j0, j1 in zip(starts[::-1], ends[::-1], strict=True):
        t, p0 = j1 - j0, ip[j0]
        S = rows[p0 + t : ip[j0 + 1]]  # rows below the supernode
        Zss = _gather_symmetric(z, keys, S, N)  # (s, s)
        if Zss is None:
            return None, keys
        if t == 1:
            l = lv[p0 + 1 : ip[j0 + 1]]  # (s,)
            zs = -(Zss @ l)  # (s,)
            z[p0 + 1 : ip[j0 + 1]] = zs
            z[p0] = 1.0 / d[j0] - l @ zs
            continue
        r, i = np.arange(t + len(S))[:, None], np.arange(t)[None, :]
        mask = r >= i  # (t+s, t) stored part of the supernode's columns
        idx = np.where(mask, ip[j0:j1][None, :] + r - i, 0)  # (t+s, t) positions in data
        panel = np.where(mask, lv[idx], 0.0)  # (t+s, t) = [L_JJ; L_SJ]
        Ljj, Lsj = panel[:t], panel[t:]
        Linv, _ = lapack.dtrtri(Ljj, lower=1, unitdiag=1)  # (t, t)
        Zsj = -(Zss @ Lsj) @ Linv  # (s, t)
        M = Linv / d[j0:j1, None] - Lsj.T @ Zsj  # (t, t)
        Zjj = Linv.T @ M  # (t, t)
        z[idx[mask]] = np.vstack([Zjj, Zsj])[mask]
    return z, keys


def _gather_symmetric(z: np.ndarray, keys: np.ndarray, S: np.ndarray, N: int) -> np.ndarray | None:
    """The symmetric block ``Z[S, S]`` from values stored on the lower pattern (None: absent)."""
    s = len(S)
    a, b = _tril(s)
    want = S[b] * N + S[a]  # (s(s+1)/2,)
    pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    if not np.array_equal(keys[pos], want):
        return None
    Zss = np.empty((s, s))  # (s, s)
    Zss[a, b] = z[pos]
    Zss[b, a] = z[pos]
    return Zss


@functools.lru_cache(maxsize=512)
def _tril(s: int) -> tuple[np.ndarray, np.ndarray]:
    return np.tril_indices(s)
