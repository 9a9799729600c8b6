"""The one training loss and the per-edge weights of every training method."""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import torch
import torch.nn.functional as F

from ..config import (
    TRAINING_METHODS,
    WeightConfig,
)
from ..errors import ConfigError


def _edge_terms(logits: torch.Tensor, targets: torch.Tensor, focal_gamma: float) -> torch.Tensor:
    """Per-edge cross-entropy, focal-modulated when ``focal_gamma > 0``."""
    ce = F.binary_cross_entropy_with_logits(logits, targets.float(), reduction="none")  # (E,)
    if focal_gamma:
        # (1 - p_t)^gamma with p_t = exp(-CE); clamped so the power's gradient stays finite
        ce = ce * (-torch.expm1(-ce)).clamp_min(1e-12) ** focal_gamma  # (E,)
    return ce


def edge_loss(
    logits: torch.Tensor,
    targets: torch.Tensor,
    weight: torch.Tensor | None = None,
    *,
    focal_gamma: float = 0.0,
) -> torch.Tensor:
    """The one training loss: per-edge cross-entropy, optionally weighted or focal.

    ``L = sum_e w_e l_e / sum_e w_e`` with ``l_e = CE(y_e, sigmoid(z_e))``; with
    ``weight=None`` (the standard loss) this is the plain mean, and ``weight = ones``
    gives exactly the same value. With ``focal_gamma = g > 0`` each term is the focal
    loss ``l_e = (1 - p_t)^g CE`` (``p_t`` the probability given to the target).

    Parameters
    ----------
    logits, targets : (E,) tensors
    weight : (E,) tensor of non-negative weights, or None
    focal_gamma : float
        Focusing exponent; 0 (the default) is plain cross-entropy.

    Returns
    -------
    torch.Tensor
        A scalar.

    References
    ----------
    T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal loss for dense object
    detection", ICCV 2017.

    Examples
    --------
    >>> z, y = torch.tensor([0.0, 0.0]), torch.tensor([1.0, 0.0])
    >>> round(float(edge_loss(z, y)), 4), round(float(edge_loss(z, y, focal_gamma=2.0)), 4)
    (0.6931, 0.1733)
    """
    ce = _edge_terms(logits, targets, focal_gamma)  # (E,)
    if weight is None:
        return ce.mean()
    assert weight.shape == ce.shape, f"weight {tuple(weight.shape)} vs edges {tuple(ce.shape)}"
    return (weight * ce).sum() / weight.sum()


def logit_gradients(
    logits: torch.Tensor,
    targets: torch.Tensor,
    weight: torch.Tensor | None = None,
    *,
    focal_gamma: float = 0.0,
) -> torch.Tensor:
    """Exact ``dL/dlogit_e`` of :func:`edge_loss`.

    Cross-entropy: ``w_e (sigmoid(z_e) - y_e) / sum w``. Focal, with ``q = 1 - p_t`` and
    ``s = 2 y - 1``: ``w_e s q^g (g p_t log p_t - q) / sum w``.
    """
    w = torch.ones_like(logits) if weight is None else weight
    y = targets.float()
    if not focal_gamma:
        return w * (torch.sigmoid(logits) - y) / w.sum()
    ce = F.binary_cross_entropy_with_logits(logits, y, reduction="none")  # -log p_t
    p_t = torch.exp(-ce)
    q = -torch.expm1(-ce)
    g = float(focal_gamma)
    return w * (2 * y - 1) * q**g * (-g * p_t * ce - q) / w.sum()


def degree_proxy(G: nx.Graph) -> np.ndarray:
    """A local stand-in for R_eff: ``min(1 / w_e, 1 / s_u + 1 / s_v)`` per edge.

    ``s`` is the weighted degree (strength). For unweighted graphs ``1/d_u + 1/d_v``
    approximates ``R_uv`` in large dense random graphs (von Luxburg, Radl, Hein, JMLR
    2014); it is capped at ``1 / w_e``, the bound R cannot exceed. It sees only the two
    endpoints, so it cannot tell a bridge between two cliques from an edge inside one.

    Examples
    --------
    >>> degree_proxy(nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])).round(3).tolist()
    [1.0, 0.833, 0.833, 1.0]
    """
    from ..graphs import edge_array, edge_weights

    edges = edge_array(G)  # (m, 2)
    w = edge_weights(G, edges)  # (m,)
    s = np.zeros(G.number_of_nodes())
    np.add.at(s, edges[:, 0], w)
    np.add.at(s, edges[:, 1], w)
    return np.minimum(1.0 / w, 1.0 / s[edges[:, 0]] + 1.0 / s[edges[:, 1]])


def apply_weight_fn(x: np.ndarray, weighting: WeightConfig) -> np.ndarray:
    """The weight function ``f`` of :class:`WeightConfig` applied to R (or a proxy of it)."""
    if weighting.fn == "linear":
        return 1.0 + weighting.lam * x
    if weighting.fn == "power":
        return np.maximum(x, 1e-12) ** weighting.lam
    return np.exp(weighting.lam * x)


def edge_weights_for(
    method: str,
    R: np.ndarray,
    weighting: WeightConfig,
    *,
    graph: nx.Graph | None = None,
    seed: int | Sequence[int] | None = None,
) -> np.ndarray | None:
    """Per-edge loss weights of a method (``None`` = no per-edge weights).

    Parameters
    ----------
    method : str
        One of ``config.TRAINING_METHODS``. ``standard``, ``focal`` and
        ``class_balanced`` have no fixed per-edge weights (``None``; focal modulation and
        class weights are applied per batch, see :class:`Duel`).
    R : (m,) array
        Effective resistance per edge, canonical order.
    weighting : WeightConfig
        The weight function ``f`` and ``lambda`` (shared by spectral, shuffled, degree).
    graph : networkx.Graph, optional
        Needed by ``degree``.
    seed : int or sequence of ints, optional
        Needed by ``shuffled``: the permutation of the spectral weights.

    Raises
    ------
    ConfigError
        An unknown method, or a missing ``graph`` / ``seed``.
    """
    if method not in TRAINING_METHODS:
        raise ConfigError(
            f"unknown training method {method!r}; use one of {list(TRAINING_METHODS)}"
        )
    if method in ("standard", "focal", "class_balanced"):
        return None
    if method in ("spectral", "spectral_pos"):  # spectral_pos: on kept targets (Duel)
        return apply_weight_fn(R, weighting)
    if method == "shuffled":
        if seed is None:
            raise ConfigError("shuffled weights need a seed (the permutation)")
        return np.random.default_rng(seed).permutation(apply_weight_fn(R, weighting))
    if graph is None:
        raise ConfigError("degree weights need the graph (its degrees)")
    return apply_weight_fn(degree_proxy(graph), weighting)


def positive_class_weights(weight: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``weight`` on kept targets (y = 1), 1 on dropped ones: the paper's Exp IV form
    (omega on the positive class), per edge. Unlike Eq. 4.1's weights, which multiply both
    classes alike and leave each edge's optimum at its frequency ``p``, this moves it to
    ``w p / (w p + 1 - p)`` (:func:`specdiff_core.experiments.protocol.fixed_point`).

    Examples
    --------
    >>> positive_class_weights(torch.tensor([3.0, 3.0]), torch.tensor([1.0, 0.0])).tolist()
    [3.0, 1.0]
    """
    return torch.where(targets > 0.5, weight, torch.ones_like(weight))


def class_balanced_weights(targets: torch.Tensor, keep_rate: float) -> torch.Tensor:
    """Inverse class frequency: ``1 / (2 keep_rate)`` on kept targets, ``1 / (2 (1 -
    keep_rate))`` on dropped ones (each class then carries half the total weight)."""
    if not 0 < keep_rate < 1:
        raise ConfigError(f"class-balanced weights need a keep rate in (0, 1), got {keep_rate}")
    y = targets.float()
    return y / (2 * keep_rate) + (1 - y) / (2 * (1 - keep_rate))
