"""Effective resistance of every edge: exact (dense, sparse) and approximate.

For a graph with Laplacian ``L = D - W`` the effective resistance of an edge
``(u, v)`` is ``R_uv = (e_u - e_v)^T L^+ (e_u - e_v)``. Three ways to get it for all
edges, each working per connected component (isolated nodes are ignored):

``dense``
    Ground one node per component (drop its row and column, which makes the
    Laplacian positive definite), invert the grounded Laplacian with LAPACK
    ``dpotrf`` + ``dpotri`` and read ``R_uv = Z_uu + Z_vv - 2 Z_uv`` over the edge
    array. Exact; ``O(n^3)`` time and ``O(n^2)`` memory per component.
``sparse``
    Factor the grounded Laplacian sparsely (SuperLU, minimum-degree ordering, no
    pivoting, so ``P A P^T = L D L^T``) and compute the *selected inverse*: the
    entries of ``A^-1`` on the pattern of the factor, which contains every edge
    (Takahashi's recurrence, done by supernodes). Exact; fast when the factor is
    sparse (meshes, geometric graphs, trees), hopeless when it is not (random
    graphs: the factor is nearly dense and SuperLU is slower than ``dense``).
``approx``
    Spielman–Srivastava random projection: ``Z = Q W^{1/2} B L^+`` with ``k`` rows
    of random ``±1/sqrt(k)``; ``R_uv ≈ ||Z (e_u - e_v)||^2``. All ``k`` systems are
    solved together, by Jacobi-preconditioned conjugate gradients on the stacked
    right-hand sides or with one sparse factorisation when its fill is low.

``auto`` picks one from the component sizes and a cheap fill estimate (the
envelope of the grounded Laplacian in reverse Cuthill–McKee order, an upper bound
on the fill of a profile factorisation) and says why in ``ResistanceResult.reason``.

Modules, lowest first: ``blas`` (OpenBLAS threads for loops of small calls),
``inputs`` (checks of every argument; the graph read into edge arrays), ``structure``
(components, grounded Laplacian, envelope), ``dense``, ``sparse`` and ``approx`` (the three
methods), ``choose`` (what ``auto`` picks and why), ``api`` (:func:`effective_resistance`,
:func:`laplacian`), ``cut`` (what cutting one edge does to every other edge's R_eff).
"""

from .api import ResistanceResult, effective_resistance, laplacian
from .approx import _block_pcg as _block_pcg
from .blas import _blas_threads as _blas_threads
from .cut import CutEffect, cut_effect
from .inputs import METHODS
from .inputs import SOLVER_OPTIONS as SOLVER_OPTIONS

__all__ = [
    "METHODS",
    "CutEffect",
    "ResistanceResult",
    "cut_effect",
    "effective_resistance",
    "laplacian",
]
