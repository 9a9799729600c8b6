"""A student's duels, with no streamlit: their state lives in the caller's session store,
their training and sampling run in the server's job pool, and the pages only poll.

Per session, ``store["duels"]`` maps a duel key ``(family, steps, λ, seed, regime, eps)``
to a dict: ``duel`` (the session's own :class:`~specdiff_core.training.Duel`), ``test``
(the held-out graph), ``samples`` (``((step, k, decoder), DuelSamples)`` or None), the
tickets of jobs in flight, and the last error. At most :data:`MAX_DUELS` are kept; a
forgotten one cancels its jobs. When the session ends its store goes, and the models too.

Sharing. A duel is deterministic given its settings and seed, and how its steps are
chunked does not change it (tests/server/test_jobs.py checks this), so the pool computes a
request like "train duel K from step a to step b" once, however many sessions ask for it
while it is queued, running or recently done; every session then gets its own copy of the
result, which it can pause, step or reset on its own. Pausing a shared run hands the
session a copy at the current step and leaves the run going for the others.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from ..experiments import demo_duel_config
from ..experiments.protocol import ProtocolConfig
from ..graphs import family_label
from ..training import Duel, EdgeExample
from .duel_jobs import DuelRun, sample_duel_job, train_duel_job
from .jobs import JobView, PoolFull
from .pool import JobPool
from .replay import Replay
from .run_store import RunStore

__all__ = [
    "MAX_DUELS",
    "TRAIN_CHUNK",
    "duel_key",
    "decode_rho",
    "duel_state",
    "forget",
    "reset",
    "in_flight",
    "train",
    "pause",
    "collect_training",
    "live_duel",
    "samples_stale",
    "request_samples",
    "forget_samples",
    "collect_samples",
    "collect",
    "signature",
]

MAX_DUELS = 4  # duels kept per session
TRAIN_CHUNK = 5  # steps between progress reports (and between chances to pause)
SAMPLE_COST = 0.6  # work units (~training steps) per sample drawn, for the queue estimate
# Sampling (about a second) goes ahead of queued training: with 30 different duels on two
# cores, first-come-first-served made a trained student wait ~2 min behind everyone
# else's training for their samples (benchmarks/load_test.py --distinct-seeds: p50 248 s).
SAMPLE_PRIORITY = 1
DEFAULT_EPS = 0.05  # the paper's eps: the bridge's frequency in the "rare" regime


def duel_key(
    family: str,
    steps: int,
    lam: float,
    seed: int,
    regime: str = "oracle",
    eps: float = DEFAULT_EPS,
) -> tuple:
    """A duel is identified by its settings; eps matters only in the "rare" regime."""
    eps = float(eps) if regime == "rare" else None
    return (family, int(steps), float(lam), int(seed), regime, eps)


def decode_rho(family: str) -> float:
    """The kept share of edges of top-k decoding: the paper's rho for the family."""
    cfg = ProtocolConfig()
    return cfg.rho_chain if family == "asymmetric_chain" else cfg.rho_barbell


Examples = Callable[[str, int, str, "float | None"], tuple[list[EdgeExample], EdgeExample]]


def duel_state(store: MutableMapping[str, Any], key: tuple, examples: Examples) -> dict[str, Any]:
    """The session's state for duel ``key`` (created on first use from ``examples(family,
    seed, regime, eps)``; most recent last)."""
    duels: dict = store.setdefault("duels", {})
    if key in duels:
        duels[key] = duels.pop(key)  # most recently used goes last
    else:
        family, steps, lam, seed, regime, eps = key
        train_set, test = examples(family, seed, regime, eps)
        cfg = demo_duel_config(seed, steps=steps, lam=lam)
        duels[key] = {
            "key": key,
            "duel": Duel(cfg, train_set, probe=[test]),
            "test": test,
            "samples": None,
            "train_ticket": None,
            "sample_ticket": None,
            "error": None,
            "shared": 0,  # how many other sessions shared the last training run
        }
        while len(duels) > MAX_DUELS:  # forget the least recently used duel of this session
            forget(duels.pop(next(iter(duels))))
    store["duel_current"] = key
    return duels[key]


def forget(state: dict[str, Any]) -> None:
    """Stop watching this duel's jobs (a job nobody watches is cancelled)."""
    for name in ("train_ticket", "sample_ticket"):
        t = state.get(name)
        if t is not None:
            (t[1] if isinstance(t, tuple) else t).cancel()
            state[name] = None


def reset(store: MutableMapping[str, Any], key: tuple) -> None:
    state = store.get("duels", {}).pop(key, None)
    if state is not None:
        forget(state)


def in_flight(state: dict[str, Any]) -> bool:
    return state["train_ticket"] is not None or state["sample_ticket"] is not None


def train(
    state: dict[str, Any], until: int, *, pool: JobPool, owner: str, runs: RunStore | None = None
) -> None:
    """Ask ``pool`` to train this duel up to step ``until`` for ``owner`` (no-op if already
    asked). A duel trained to its end whose run ``runs`` holds is replayed instead
    (:class:`~.replay.Replay`: the same history at the same pace, the same models)."""
    duel: Duel = state["duel"]
    until = min(int(until), duel.config.train.steps)
    if state["train_ticket"] is not None or duel.step_count >= until:
        return
    family, steps, lam, seed, regime, eps = state["key"]
    rec = runs.load(state["key"]) if runs is not None and until == steps else None
    if rec is not None:
        state["train_ticket"] = Replay(
            rec, duel, key=state["key"], pool=pool, owner=owner, chunk=TRAIN_CHUNK
        )
        state["error"], state["shared"] = None, 0
        return
    try:
        state["train_ticket"] = pool.submit(
            train_duel_job(
                until, chunk=TRAIN_CHUNK, family=family, seed=seed, regime=regime, eps=eps
            ),
            owner=owner,
            key=("train", state["key"], duel.step_count, until),
            label=f"train {family_label(family)} ({regime}) λ={lam:g} seed={seed}: steps "
            f"{duel.step_count}->{until}",
            cost=until - duel.step_count,
            shared=DuelRun(duel.clone()),  # the job's copy, mirrored for drawing
        )
        state["error"] = None
        state["shared"] = 0
    except PoolFull as exc:
        state["error"] = str(exc)


PAUSE_WAIT = 10.0  # seconds to wait for the models at the current step (one chunk, usually)


def pause(state: dict[str, Any]) -> None:
    """Stop training: keep a copy of the models at the step they have reached."""
    t = state["train_ticket"]
    if t is None:
        return
    if t.status == "done":
        snap = t.result()
    elif t.status == "queued":  # not started: the models are as they were
        snap = t.shared.duel
    else:  # running: ask for a copy at the next chunk boundary (the run goes on for others)
        try:
            snap = t.shared.request_snapshot().result(timeout=PAUSE_WAIT)
        except Exception:  # noqa: BLE001 - the job ended meanwhile: collect() has its result
            return
    state["train_ticket"] = None
    state["duel"] = snap.clone()
    t.cancel()  # the run goes on only if another session still watches it


def collect_training(state: dict[str, Any]) -> JobView | None:
    """Poll the training job; when it has finished, take its models (or its error)."""
    t = state["train_ticket"]
    if t is None:
        return None
    view = t.poll()
    state["shared"] = max(state["shared"], view.watchers - 1, int(view.reused))
    if not view.finished:
        return view
    state["train_ticket"] = None
    if view.status == "done":
        state["duel"] = t.result().clone()  # finished: nobody changes it any more
    elif view.status == "failed":
        state["error"] = view.error
    return view


def live_duel(state: dict[str, Any]) -> Duel:
    """The duel to draw now: the job's copy while it trains, else the session's own."""
    t = state["train_ticket"]
    return t.shared.duel if t is not None else state["duel"]


def samples_stale(state: dict[str, Any], k: int, decoder: str = "chain") -> bool:
    want = (state["duel"].step_count, k, decoder)
    return state["samples"] is None or state["samples"][0] != want


def request_samples(
    state: dict[str, Any],
    k: int,
    seed: int,
    decoder: str = "chain",
    *,
    pool: JobPool,
    owner: str,
) -> None:
    """Ask ``pool`` for ``k`` samples per model of the held-out graph, decoded by
    ``decoder`` (if not in hand)."""
    duel = state["duel"]
    at = (duel.step_count, int(k), decoder)
    if not samples_stale(state, k, decoder) or duel.step_count == 0:
        return
    if state["sample_ticket"] is not None and state["sample_ticket"][0] == at:
        return
    forget_samples(state)

    family, _, _, duel_seed, regime, eps = state["key"]
    try:
        state["sample_ticket"] = (
            at,
            pool.submit(
                sample_duel_job(
                    duel,
                    family=family,
                    seed=duel_seed,
                    k=int(k),
                    sample_seed=int(seed),
                    regime=regime,
                    eps=eps,
                    decoder=decoder,
                    rho=decode_rho(family) if decoder == "topk" else None,
                ),
                owner=owner,
                key=("sample", state["key"], *at, int(seed)),
                label=f"sample {k} per model at step {at[0]} ({family_label(family)} seed={duel_seed})",
                cost=SAMPLE_COST * k,
                priority=SAMPLE_PRIORITY,
            ),
        )
    except PoolFull as exc:
        state["error"] = str(exc)


def forget_samples(state: dict[str, Any]) -> None:
    if state["sample_ticket"] is not None:
        state["sample_ticket"][1].cancel()
        state["sample_ticket"] = None


def collect_samples(state: dict[str, Any]) -> JobView | None:
    entry = state["sample_ticket"]
    if entry is None:
        return None
    at, t = entry
    view = t.poll()
    if not view.finished:
        return view
    state["sample_ticket"] = None
    if view.status == "done":
        state["samples"] = (at, t.result())  # read-only: shared as is
    elif view.status == "failed":
        state["error"] = view.error
    return view


def collect(state: dict[str, Any]) -> bool:
    """Poll both jobs; True if one of them finished just now."""
    views = [collect_training(state), collect_samples(state)]
    return any(v is not None and v.finished for v in views)


def signature(state: dict[str, Any]) -> tuple:
    """What a full run draws from this duel's state: when it changes, redraw the page."""
    samples = state["samples"][0] if state["samples"] is not None else None
    return (
        id(state["train_ticket"]),
        id(state["sample_ticket"]),
        state["duel"].step_count,
        samples,
        state["error"],
    )
