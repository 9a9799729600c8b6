"""The lesson's nine steps, in order: each a function of the run's :class:`Lesson`.

A step draws a short text, one thing to poke and a check-your-understanding question;
``pages/lesson.py`` picks the step from the address and draws the way between steps.
Add a step: write ``def name(lesson: Lesson) -> None`` in one of these modules and add
a row to :data:`STEPS` (its slug is its address: ``/lesson?step=<slug>``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from . import cure_steps, duel_steps, graph_steps, own_step, rare_step
from .context import Lesson


class Step(NamedTuple):
    slug: str  # its name in the address
    short: str  # its label in the step picker
    title: str
    show: Callable[[Lesson], None]


STEPS = [
    Step("reff", "Resistance", "Effective resistance: how many ways around?", graph_steps.reff),
    Step("bridge", "Bridge", "A bridge: the edge with no way around", graph_steps.bridge),
    Step("predict", "Predict", "Predict: what will a standard model learn?", duel_steps.predict),
    Step("run", "Train", "Run it: train both models", duel_steps.run),
    Step("fail", "Fail", "See it fail: sparsify a new graph", duel_steps.fail),
    Step("why", "Why", "Why: gradient starvation", cure_steps.why),
    Step("fix", "Fix", "The fix: weight each edge by its resistance", cure_steps.fix),
    Step("rare", "Two rares", "Rare in the graph, or rare in the data?", rare_step.rare),
    Step("own", "Your graph", "Try it on your own graph", own_step.own),
]
SLUGS = [s.slug for s in STEPS]


def parse_step(raw: str | None) -> int | None:
    """The step an address names, by slug or 1-based number; None if it names none."""
    if raw is None:
        return None
    raw = raw.strip().lower()
    if raw in SLUGS:
        return SLUGS.index(raw)
    if raw.isdigit() and 1 <= int(raw) <= len(STEPS):
        return int(raw) - 1
    return None


__all__ = ["STEPS", "SLUGS", "Lesson", "Step", "parse_step"]
