"""Training: examples and their teachers, the one loss with its per-edge weights, the fair duel,
and the probes that read what the models learned.

The standard model and the spectrally-weighted model differ in exactly one thing: the
per-edge weights handed to :func:`edge_loss` (``None`` = uniform, or ``f(R_e)``).
Architecture, initial weights, data order, noise, optimiser, number of steps and seed are
shared (:class:`Duel`). The controls of ``config.TRAINING_METHODS`` (focal,
class-balanced, shuffled-R_eff, degree weights, positive-class weights) enter the same
way: weights, or the focal option, of the same loss.

Modules, lowest first: ``device``, ``examples`` (graphs with R_eff and targets),
``losses`` (the one loss and every method's weights), ``probes`` (instrumentation and
keep-probabilities), ``duel`` (the fair training of several methods).
"""

from .device import deterministic_cuda, resolve_device
from .duel import Duel
from .examples import EdgeExample, make_example
from .losses import (
    apply_weight_fn,
    class_balanced_weights,
    degree_proxy,
    edge_loss,
    edge_weights_for,
    logit_gradients,
    positive_class_weights,
)
from .players import Batch, Player
from .probes import R_BINS

__all__ = [
    "resolve_device",
    "deterministic_cuda",
    "EdgeExample",
    "make_example",
    "edge_loss",
    "logit_gradients",
    "degree_proxy",
    "apply_weight_fn",
    "edge_weights_for",
    "positive_class_weights",
    "class_balanced_weights",
    "R_BINS",
    "Batch",
    "Duel",
    "Player",
]
