"""A duel's run as a record: its history as the page saw it, chunk by chunk, and the full
state of the duel (models, optimiser, random streams) every :data:`CHECKPOINT_EVERY` steps
and at the end, so that the run can be replayed and its models handed over bit for bit.

A duel is deterministic given its settings and seed, and how its steps are chunked does
not change it, so the state at a checkpoint, joined to the duel's examples (rebuilt from
its settings), trains on exactly as the live duel did: a pause in the middle of a replay
takes the checkpoint before it and trains the few steps that remain (at most
``CHECKPOINT_EVERY - 1``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

__all__ = ["CHECKPOINT_EVERY", "Checkpoint", "RunRecord", "capture", "restore", "record_duel"]

CHECKPOINT_EVERY = 100  # steps between stored states (~0.7 MB each for the app's duel)


@dataclass
class Checkpoint:
    """The state of a duel after ``step`` steps, without its examples."""

    step: int
    seconds: float  # training seconds so far (what the page reads as "s of training")
    n_history: int  # history rows so far
    rng: dict[str, Any]  # the batch stream's numpy state, big integers as text
    param_groups: list[dict[str, Any]]  # the optimiser's settings
    tensors: dict[str, torch.Tensor]  # "group.<name>", "opt.<i>.<field>", "gen"

    def meta(self) -> dict[str, Any]:
        """Everything but the tensors, as JSON-able data."""
        return {
            "step": self.step,
            "seconds": self.seconds,
            "n_history": self.n_history,
            "rng": self.rng,
            "param_groups": self.param_groups,
        }


def _ints_as_text(obj: Any) -> Any:
    """A numpy bit generator's state with its (128-bit) integers as text, for JSON."""
    if isinstance(obj, dict):
        return {k: _ints_as_text(v) for k, v in obj.items()}
    if isinstance(obj, bool) or not isinstance(obj, int):
        return obj
    return {"int": str(obj)}


def _text_as_ints(obj: Any) -> Any:
    if isinstance(obj, dict):
        if set(obj) == {"int"}:
            return int(obj["int"])
        return {k: _text_as_ints(v) for k, v in obj.items()}
    return obj


def capture(duel: Any) -> Checkpoint:
    """The duel's state now (a copy: training on does not change it)."""
    tensors = {f"group.{k}": v.detach().cpu().clone() for k, v in duel.group.state_dict().items()}
    opt = duel.opt.state_dict()
    for i, st in opt["state"].items():
        for name, v in st.items():
            tensors[f"opt.{i}.{name}"] = torch.as_tensor(v).detach().cpu().clone()
    tensors["gen"] = duel._gen.get_state().clone()
    return Checkpoint(
        step=int(duel.step_count),
        seconds=float(duel.seconds),
        n_history=len(duel.history),
        rng=_ints_as_text(duel._rng.bit_generator.state),
        param_groups=copy.deepcopy(opt["param_groups"]),
        tensors=tensors,
    )


def restore(duel: Any, ckpt: Checkpoint, history: Sequence[dict[str, Any]]) -> Any:
    """Put ``ckpt`` into ``duel``, a fresh duel of the same settings and examples (step 0),
    with ``history[:ckpt.n_history]`` as its history; returns ``duel``."""
    assert duel.step_count == 0, "restore into a fresh duel"
    group = {k[len("group.") :]: v for k, v in ckpt.tensors.items() if k.startswith("group.")}
    duel.group.load_state_dict(group, strict=True)  # in place: the players' views hold
    state: dict[int, dict[str, torch.Tensor]] = {}
    for k, v in ckpt.tensors.items():
        if k.startswith("opt."):
            _, i, name = k.split(".", 2)
            state.setdefault(int(i), {})[name] = v.clone()
    duel.opt.load_state_dict({"state": state, "param_groups": copy.deepcopy(ckpt.param_groups)})
    duel._gen.set_state(ckpt.tensors["gen"].clone())
    duel._rng.bit_generator.state = _text_as_ints(ckpt.rng)
    duel.step_count = ckpt.step
    duel.seconds = ckpt.seconds
    duel.history = [dict(row) for row in history[: ckpt.n_history]]
    return duel


@dataclass
class RunRecord:
    """A duel trained from step 0 to its end: what the page saw and how fast.

    ``chunks`` is one ``(step, rows, seconds)`` per progress report of the live job (the
    step reached, the history rows so far, the training seconds so far); ``history`` is the
    duel's full history; ``checkpoints`` maps a step to the duel's state there (every
    :data:`CHECKPOINT_EVERY` steps and the last step).
    """

    identity: dict[str, Any]
    chunks: list[tuple[int, int, float]]
    history: list[dict[str, Any]]
    checkpoints: dict[int, Checkpoint] = field(default_factory=dict)

    @property
    def steps(self) -> int:
        return max(self.checkpoints)

    def before(self, step: int) -> Checkpoint | None:
        """The last checkpoint at or before ``step`` (None before the first: the fresh
        duel is the state at step 0)."""
        at = [s for s in self.checkpoints if s <= step]
        return self.checkpoints[max(at)] if at else None

    def seconds_at(self, step: int) -> float:
        """Training seconds of the live run when it reached ``step`` (interpolated)."""
        prev_step, prev_sec = 0, 0.0
        for s, _, sec in self.chunks:
            if s >= step:
                span = max(s - prev_step, 1)
                return prev_sec + (sec - prev_sec) * (step - prev_step) / span
            prev_step, prev_sec = s, sec
        return prev_sec


def record_duel(
    duel: Any,
    identity: dict[str, Any],
    *,
    chunk: int,
    every: int = CHECKPOINT_EVERY,
    stop: Callable[[], bool] | None = None,
) -> RunRecord | None:
    """Train ``duel`` (fresh, step 0) to its end in chunks of ``chunk`` steps as the live
    job does, keeping what :class:`RunRecord` holds; None if ``stop()`` said to stop."""
    assert duel.step_count == 0, "a run is recorded from step 0"
    rec = RunRecord(identity, [], [])
    while not duel.done:
        if stop is not None and stop():
            return None
        duel.step(min(chunk, duel.config.train.steps - duel.step_count))
        rec.chunks.append((duel.step_count, len(duel.history), float(duel.seconds)))
        if duel.step_count % every == 0 or duel.done:
            rec.checkpoints[duel.step_count] = capture(duel)
    rec.history = [dict(row) for row in duel.history]
    return rec
