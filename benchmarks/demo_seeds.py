"""Does the app's default duel show the effect on every seed? Trained and sampled as the app does.

    python benchmarks/demo_seeds.py                    # seeds 0-19, the demo's settings
    python benchmarks/demo_seeds.py --seeds 0-9        # or a count (--seeds 10), or 0,2,7
    python benchmarks/demo_seeds.py --seeds 0,2,7 --steps 600 --lam 10 --lr-hold 1  # the old default
    python benchmarks/demo_seeds.py --set train.batch_graphs=16 --set train.grad_clip=0
    python benchmarks/demo_seeds.py --check-k 128    # also each model's own rate (128 samples)

For each seed: the app's training graphs and held-out graph (``demo_examples``), the app's
duel (``demo_duel_config`` at the demo's steps and lambda, with any overrides given here),
trained to the end with :class:`~specdiff_core.training.Duel`, then ``k`` samples of the
held-out graph per model decoded by the app's decoder (``sample_duel``, sample seed = the
duel's seed, as the Duel page and the Lesson draw them). One row per seed: bridge survival
and connectivity of the weighted and the standard model, each model's final keep-probability
of the bridge (``p_keep_bridge`` of the last history row, the duel's curve), the uniform
sparsifier and the Spectral Oracle beside them, and the CPU seconds of the duel (training
and sampling). Then a summary and two ``target:`` lines: the weighted model keeps the bridge
in >= 90% of samples, and >= 30 points more often than the standard model, on every seed.

Nothing is selected: every seed asked for is trained, reported and counted.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from specdiff_core.config import DuelConfig  # noqa: E402
from specdiff_core.experiments import DEMO, demo_duel_config  # noqa: E402

SURVIVAL_TARGET = 0.9  # weighted bridge survival on every seed
GAP_TARGET = 0.3  # weighted minus standard bridge survival on every seed
QUIZ_P = 0.8  # the Lesson's question: which model gives the bridge a keep-probability >= this
CHECK_SEED = 1_000  # --check-k draws its samples with this seed + the duel's (apart from k's)


def parse_seeds(text: str) -> list[int]:
    """``"0-19"`` (a range, both ends included), ``"20"`` (a count: 0..19) or ``"0,2,7"``."""
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-", 1))
            out.extend(range(lo, hi + 1))
        elif "," in text:
            out.append(int(part))
        else:
            out.extend(range(int(part)))
    if not out:
        raise argparse.ArgumentTypeError(f"no seeds in {text!r}")
    return out


def _coerce(old: Any, text: str) -> Any:
    if isinstance(old, bool):
        return text.lower() in ("1", "true", "yes")
    if isinstance(old, int):
        return int(text)
    if isinstance(old, float):
        return float(text)
    if isinstance(old, tuple):
        return tuple(x for x in text.split(",") if x)
    return text


def override(cfg: DuelConfig, assignments: list[str]) -> DuelConfig:
    """``cfg`` with ``section.field=value`` settings (``train.lr=0.01``, ``weighting.lam=30``)."""
    for item in assignments:
        path, _, value = item.partition("=")
        section, _, name = path.strip().partition(".")
        if not name:  # a top-level field, e.g. methods=standard,spectral
            cfg = dataclasses.replace(cfg, **{section: _coerce(getattr(cfg, section), value)})
            continue
        sub = getattr(cfg, section)
        if name not in {f.name for f in dataclasses.fields(sub)}:
            raise SystemExit(f"unknown setting {path!r}")
        sub = dataclasses.replace(sub, **{name: _coerce(getattr(sub, name), value)})
        cfg = dataclasses.replace(cfg, **{section: sub})
    return cfg


def duel_config(seed: int, args: argparse.Namespace) -> DuelConfig:
    """The app's duel for ``seed`` (the demo's steps and lambda unless overridden)."""
    cfg = demo_duel_config(seed, steps=args.steps, lam=args.lam)
    sets = list(args.set or [])
    if args.lr is not None:
        sets.append(f"train.lr={args.lr}")
    if args.batch is not None:
        sets.append(f"train.batch_graphs={args.batch}")
    if args.lr_hold is not None:
        sets.append(f"train.lr_hold={args.lr_hold}")
    return override(cfg, sets)


def measure(seed: int, args: argparse.Namespace) -> dict[str, Any]:
    """One seed's duel, trained and sampled as the app does, and its scoreboard."""
    from specdiff_core.experiments import sample_duel, train_demo_duel

    c0, w0 = time.process_time(), time.perf_counter()
    duel, result = train_demo_duel(seed, duel_config(seed, args), k=args.k)
    c2, w2 = time.process_time(), time.perf_counter()
    check = {}
    if args.check_k:  # the models' own keep rates, beyond the noise of k samples (not timed)
        test = duel.probe_set[0]
        big = sample_duel(duel, test, k=args.check_k, seed=CHECK_SEED + seed).board
        check = {f"{m}_{args.check_k}": big[m]["bridge_survival"] for m in ("spectral", "standard")}
    last = {row["method"]: row for row in duel.history}
    curve = [r for r in duel.history if r["method"] == "spectral"]
    reached = next((r["step"] for r in curve if r["p_keep_bridge"] >= SURVIVAL_TARGET), None)
    b = result.board
    return {
        "seed": seed,
        "weighted": b["spectral"]["bridge_survival"],
        "weighted_conn": b["spectral"]["connectivity"],
        "weighted_p": last["spectral"]["p_keep_bridge"],
        "standard": b["standard"]["bridge_survival"],
        "standard_conn": b["standard"]["connectivity"],
        "standard_p": last["standard"]["p_keep_bridge"],
        "gap": b["spectral"]["bridge_survival"] - b["standard"]["bridge_survival"],
        "uniform": b["uniform"]["bridge_survival"],
        "uniform_conn": b["uniform"]["connectivity"],
        "oracle": b["oracle"]["bridge_survival"],
        "oracle_conn": b["oracle"]["connectivity"],
        "weighted_p90_step": reached,
        "train_wall_s": duel.seconds,
        "cpu_s": c2 - c0,
        "wall_s": w2 - w0,
        **check,
    }


HEADER = (
    f"{'seed':>4} | {'weighted':^20} | {'standard':^20} | {'gap':>5} | "
    f"{'uniform':^11} | {'oracle':^11} | {'w p>=.9':>7} | {'CPU s':>5}\n"
    f"{'':>4} | {'surv':>6} {'conn':>6} {'p':>6} | {'surv':>6} {'conn':>6} {'p':>6} | {'':>5} | "
    f"{'surv':>5} {'conn':>5} | {'surv':>5} {'conn':>5} | {'at step':>7} | {'':>5}"
)


def header(check_k: int) -> str:
    if not check_k:
        return HEADER
    top, bottom = HEADER.split("\n")
    return f"{top} | {f'{check_k} samples':^13}\n{bottom} | {'w surv':>6} {'s surv':>6}"


def format_row(r: dict[str, Any], check_k: int = 0) -> str:
    at = "-" if r["weighted_p90_step"] is None else str(r["weighted_p90_step"])
    flag = "" if r["weighted"] >= SURVIVAL_TARGET and r["gap"] >= GAP_TARGET else "  <- misses"
    return (
        f"{r['seed']:>4} | {r['weighted']:>6.3f} {r['weighted_conn']:>6.3f} {r['weighted_p']:>6.3f} | "
        f"{r['standard']:>6.3f} {r['standard_conn']:>6.3f} {r['standard_p']:>6.3f} | "
        f"{r['gap']:>5.2f} | {r['uniform']:>5.2f} {r['uniform_conn']:>5.2f} | "
        f"{r['oracle']:>5.2f} {r['oracle_conn']:>5.2f} | {at:>7} | {r['cpu_s']:>5.1f}"
        + (
            f" | {r[f'spectral_{check_k}']:>6.3f} {r[f'standard_{check_k}']:>6.3f}"
            if check_k
            else ""
        )
        + flag
    )


def describe(args: argparse.Namespace) -> str:
    cfg = duel_config(0, args)
    t, w = cfg.train, cfg.weighting
    extra = {
        f.name: getattr(t, f.name)
        for f in dataclasses.fields(t)
        if f.name not in ("steps", "lr", "batch_graphs", "seed", "log_every", "device", "threads")
    }
    return (
        f"{DEMO.family}, regime {DEMO.regime}, {t.steps} steps, lr {t.lr:g}, batch "
        f"{t.batch_graphs} graphs, {w.fn} weights lambda {w.lam:g}, "
        + ", ".join(f"{k} {v}" for k, v in extra.items())
        + f"; {args.k} samples per model, decoder {DEMO.decoder}"
    )


def noise_alone(weighted: float, standard: float, k: int, seeds: int) -> tuple[float, float]:
    """If every seed's models kept the bridge at exactly these rates, the chance that ``k``
    samples per model show a gap below GAP_TARGET on one seed, and on at least one of
    ``seeds`` seeds: what binomial noise alone costs the gap target.

    >>> one, any_ = noise_alone(1.0, 0.6, 32, 20)
    >>> round(one, 3), round(any_, 3)
    (0.116, 0.914)
    >>> round(noise_alone(1.0, 0.6, 128, 20)[1], 3)
    0.183
    """
    from scipy.stats import binom

    # gap < GAP_TARGET  <=>  the standard model's count X > k (weighted - GAP_TARGET)
    threshold = k * (weighted - GAP_TARGET)
    below = int(threshold) if threshold >= 0 else -1  # the largest count that meets it
    one = float(binom.sf(below, k, standard))
    return one, 1.0 - (1.0 - one) ** seeds


def summarise(rows: list[dict[str, Any]], check_k: int = 0, k: int = 32) -> list[str]:
    worst = min(rows, key=lambda r: r["weighted"])
    gap = min(rows, key=lambda r: r["gap"])
    missing = [r["seed"] for r in rows if r["weighted"] < SURVIVAL_TARGET or r["gap"] < GAP_TARGET]

    def mean(key: str) -> float:
        return statistics.fmean(r[key] for r in rows)

    quiz = sum(r["weighted_p"] >= QUIZ_P > r["standard_p"] for r in rows)
    checked = []
    rates = ("weighted", "standard")  # the best reading of each model's own rate
    if check_k:
        w, st = f"spectral_{check_k}", f"standard_{check_k}"
        rates = (w, st)
        low = min(rows, key=lambda r: r[w] - r[st])
        checked = [
            f"with {check_k} samples per model (each model's own rate): weighted min "
            f"{min(r[w] for r in rows):.3f}, standard max {max(r[st] for r in rows):.3f} (mean "
            f"{mean(st):.3f}); smallest gap {low[w] - low[st]:.3f} at seed {low['seed']}"
        ]
    one, any_ = noise_alone(mean(rates[0]), mean(rates[1]), k, len(rows))
    checked.append(
        f"binomial noise alone: were every seed's models at the mean rates (weighted "
        f"{mean(rates[0]):.3f}, standard {mean(rates[1]):.3f}), {k} samples per model would "
        f"show a gap below {GAP_TARGET:g} on a seed with chance {one:.3f}, on at least one of "
        f"{len(rows)} seeds with chance {any_:.3f}"
    )
    return [
        f"mean bridge survival: weighted {mean('weighted'):.3f}, standard {mean('standard'):.3f}, "
        f"uniform {mean('uniform'):.3f}, oracle {mean('oracle'):.3f}; mean gap {mean('gap'):.3f}",
        f"mean connectivity: weighted {mean('weighted_conn'):.3f}, standard "
        f"{mean('standard_conn'):.3f}, uniform {mean('uniform_conn'):.3f}, oracle "
        f"{mean('oracle_conn'):.3f}",
        f"final p_keep_bridge: weighted min {min(r['weighted_p'] for r in rows):.3f} / mean "
        f"{mean('weighted_p'):.3f}; standard max {max(r['standard_p'] for r in rows):.3f} / mean "
        f"{mean('standard_p'):.3f}",
        f"CPU per duel (examples, training both models, sampling): mean {mean('cpu_s'):.1f} s, "
        f"max {max(r['cpu_s'] for r in rows):.1f} s (training's wall time: mean "
        f"{mean('train_wall_s'):.1f} s)",
        *checked,
        f"the Lesson's quiz (final p_keep_bridge >= {QUIZ_P:g}) answers 'Only the "
        f"spectrally-weighted model' on {quiz} of {len(rows)} seeds",
        f"seeds missing a target: {missing if missing else 'none'} ({len(missing)} of {len(rows)})",
        f"target: weighted bridge survival >= {SURVIVAL_TARGET:g} on every seed: "
        f"{worst['weighted']:.3f} at seed {worst['seed']} (target {SURVIVAL_TARGET:g}): "
        + ("met" if worst["weighted"] >= SURVIVAL_TARGET else "missed"),
        f"target: gap to standard >= {GAP_TARGET:g} on every seed: {gap['gap']:.3f} at seed "
        f"{gap['seed']} (target {GAP_TARGET:g}): "
        + ("met" if gap["gap"] >= GAP_TARGET else "missed"),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=parse_seeds, default=list(range(20)), help="0-19, 10, 0,2,7")
    ap.add_argument("--steps", type=int, default=DEMO.steps, help="training steps per model")
    ap.add_argument("--lam", type=float, default=DEMO.lam, help="lambda of w = 1 + lambda R")
    ap.add_argument("--lr", type=float, default=None, help="learning rate (default: the demo's)")
    ap.add_argument("--batch", type=int, default=None, help="training graphs per step")
    ap.add_argument(
        "--lr-hold",
        type=float,
        default=None,
        help="share of the steps at the full lr before its cosine decay (1 = constant lr)",
    )
    ap.add_argument(
        "--set",
        action="append",
        metavar="SECTION.FIELD=VALUE",
        help="any other DuelConfig setting, e.g. train.grad_clip=0 (repeatable)",
    )
    ap.add_argument("--k", type=int, default=DEMO.k, help="samples per model")
    ap.add_argument(
        "--check-k",
        type=int,
        default=0,
        help="also draw this many samples per model (another sample seed) to read each "
        "model's own bridge survival beyond the noise of k samples; not part of the targets",
    )
    ap.add_argument("--out", help="write the rows as JSON here")
    args = ap.parse_args(argv)

    print(f"== the demo duel on seeds {args.seeds[0]}..{args.seeds[-1]} ({len(args.seeds)} seeds)")
    print(describe(args))
    print(header(args.check_k))
    rows = []
    for seed in args.seeds:
        rows.append(measure(seed, args))
        print(format_row(rows[-1], args.check_k), flush=True)
    print()
    for line in summarise(rows, args.check_k, args.k):
        print(line)
    if args.out:
        Path(args.out).write_text(json.dumps({"settings": describe(args), "rows": rows}, indent=1))
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
