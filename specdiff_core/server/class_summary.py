"""What the teacher view says about a class, computed from the class store's rows alone:
how each check question was answered, the predictions against what happened, and the
class-wide estimate of the weighted loss's effect with an interval over seeds.

Every sentence here is built from the numbers it states; with no data, or too little for
an interval, it says so instead. No streamlit (``pages/teacher.py`` draws these).

The unit of replication is a seed. A duel is deterministic given its settings and seed,
so thirty students who open the same link train the same models and get the same result:
they are one replicate, not thirty. The estimate pools one value per distinct seed (the
mean of that seed's rows, which agree) and its interval is Student's t over those values
(``metrics.t_interval``), as for every trained model in the project.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..formatting import pct
from ..graphs import family_label
from ..metrics import t_interval

__all__ = [
    "Question",
    "questions",
    "PredictionRow",
    "Predictions",
    "predictions",
    "prediction_sentences",
    "SeedResult",
    "Effect",
    "GROUP_FIELDS",
    "settings_groups",
    "group_label",
    "class_effect",
    "effect_sentences",
    "students",
    "student_labels",
    "plural",
]

Row = dict[str, Any]
GROUP_FIELDS = ("family", "steps", "lam", "regime", "eps", "decoder", "k")  # all but the seed


def students(*tables: Iterable[Row]) -> int:
    """Distinct students over some tables' rows."""
    return len({r["student"] for rows in tables for r in rows})


def student_labels(*tables: Iterable[Row]) -> dict[str, str]:
    """A display name per student hash: "student 1", "student 2", ... in the order of
    their first row (its time).

    Examples
    --------
    >>> student_labels([dict(at=20.0, student="9f")], [dict(at=10.0, student="c0")])
    {'c0': 'student 1', '9f': 'student 2'}
    """
    first: dict[str, float] = {}
    for rows in tables:
        for r in rows:
            first[r["student"]] = min(first.get(r["student"], r["at"]), r["at"])
    order = sorted(first, key=lambda s: (first[s], s))
    return {s: f"student {i}" for i, s in enumerate(order, 1)}


def _latest(rows: Iterable[Row], *by: str) -> list[Row]:
    """Each group's last row (the largest id): a student's final answer, say."""
    last: dict[tuple, Row] = {}
    for r in sorted(rows, key=lambda r: r["id"]):
        last[tuple(r[b] for b in by)] = r
    return list(last.values())


def plural(n: int, word: str) -> str:
    """``"1 student"``, ``"2 students"``."""
    return f"{n} {word}" + ("" if n == 1 else "s")


# ------------------------------------------------------------------- check questions


@dataclass(frozen=True)
class Question:
    question: str  # its id (the lesson step)
    prompt: str
    students: int  # who answered it (their last answer counts)
    answers: tuple[tuple[str, int, bool], ...]  # (answer, students, correct), most picked first
    right: int  # students whose last answer is correct

    def sentence(self) -> str:
        share = pct(self.right / self.students, 0)
        return f"{plural(self.students, 'student')} answered; {self.right} right ({share})."


def questions(answers: Iterable[Row], order: Sequence[str] = ()) -> list[Question]:
    """Each question's tally over the students' last answers, in ``order`` (then the rest).

    Examples
    --------
    >>> rows = [dict(id=1, student="a", question="q", prompt="?", answer="x", correct=0),
    ...         dict(id=2, student="a", question="q", prompt="?", answer="y", correct=1),
    ...         dict(id=3, student="b", question="q", prompt="?", answer="y", correct=1)]
    >>> q, = questions(rows)
    >>> q.answers, q.sentence()
    ((('y', 2, True),), '2 students answered; 2 right (100%).')
    """
    by_q: dict[str, list[Row]] = {}
    for r in _latest(answers, "student", "question"):
        by_q.setdefault(r["question"], []).append(r)
    rank = {q: i for i, q in enumerate(order)}
    out = []
    for q in sorted(by_q, key=lambda q: (rank.get(q, len(rank)), q)):
        rows = by_q[q]
        counts: dict[str, list] = {}
        for r in rows:
            counts.setdefault(r["answer"], [0, bool(r["correct"])])[0] += 1
        tally = sorted(((a, n, ok) for a, (n, ok) in counts.items()), key=lambda t: (-t[1], t[0]))
        prompt = max(rows, key=lambda r: r["id"])["prompt"]
        right = sum(bool(r["correct"]) for r in rows)
        out.append(Question(q, prompt, len(rows), tuple(tally), right))
    return out


# ------------------------------------------------------------------------ predictions


@dataclass(frozen=True)
class PredictionRow:
    answer: str
    predicted: float  # the bridge survival it stands for
    students: int
    happened: float | None  # the standard model's bridge survival in their duels (mean)
    with_result: int  # of those students, how many predicted a duel with a stored result


@dataclass(frozen=True)
class Predictions:
    rows: tuple[PredictionRow, ...]
    students: int  # students with a prediction made before training
    after: int  # students whose only predictions came after training started (left out)


def predictions(preds: Iterable[Row], duels: Iterable[Row]) -> Predictions:
    """Each student's last prediction made before their duel trained, by answer, beside
    what the standard model did in the duel it was made for (any stored result of that
    duel: the duel is deterministic, whoever ran it)."""
    preds = list(preds)
    outcome: dict[str, list[float]] = {}
    for r in duels:
        outcome.setdefault(r["duel"], []).append(float(r["standard_bridge"]))
    before = _latest([r for r in preds if not r["trained"]], "student")
    by_answer: dict[str, list[Row]] = {}
    for r in before:
        by_answer.setdefault(r["answer"], []).append(r)
    rows = []
    for answer, group in by_answer.items():
        seen = {
            r["duel"]: float(np.mean(outcome[r["duel"]])) for r in group if r["duel"] in outcome
        }
        rows.append(
            PredictionRow(
                answer=answer,
                predicted=float(np.mean([r["predicted"] for r in group])),
                students=len(group),
                happened=float(np.mean(list(seen.values()))) if seen else None,
                with_result=sum(r["duel"] in outcome for r in group),
            )
        )
    rows.sort(key=lambda r: (-r.students, r.answer))
    after = {r["student"] for r in preds} - {r["student"] for r in before}
    return Predictions(tuple(rows), len(before), len(after))


def prediction_sentences(p: Predictions) -> list[str]:
    """What the predictions table shows, in words (only what its numbers support)."""
    out = []
    if not p.rows:
        out.append("No predictions made before training yet.")
    else:
        out.append(f"{plural(p.students, 'student')} predicted before training.")
        judged = [r for r in p.rows if r.happened is not None]
        if not judged:
            out.append("None of their duels has a finished result yet: what happened comes later.")
        else:
            off = {r.answer: abs(r.predicted - r.happened) for r in judged}  # type: ignore[operator]
            low = min(off.values())
            best = [r for r in judged if off[r.answer] <= low + 1e-9]
            parts = [
                f"“{r.answer}” (predicted {pct(r.predicted, 0)}; the standard model kept the "
                f"bridge in {pct(r.happened, 0)} of samples), picked by {r.students} of "
                f"{p.students}"
                for r in best
            ]
            lead = (
                "Nearest to what happened: "
                if len(best) == 1
                else "Equally near to what happened: "
            )
            out.append(lead + " and ".join(parts) + ".")
    if p.after:
        out.append(
            f"{plural(p.after, 'student')} predicted only after their duel had started "
            "training; those predictions are left out."
        )
    return out


# ----------------------------------------------------------------- the class's effect


@dataclass(frozen=True)
class SeedResult:
    seed: int
    standard: float  # bridge survival of the standard model's samples
    weighted: float  # ... of the spectrally-weighted model's
    students: int  # how many students' results are of this seed

    @property
    def gap(self) -> float:
        return self.weighted - self.standard


@dataclass(frozen=True)
class Effect:
    group: tuple  # the settings (GROUP_FIELDS) every result here shares
    seeds: tuple[SeedResult, ...]
    students: int
    mean_gap: float  # weighted minus standard bridge survival, mean over seeds
    ci: tuple[float, float] | None  # 95% t-interval of the mean gap over seeds (>= 2 seeds)
    mean_standard: float
    mean_weighted: float


def _group(r: Row) -> tuple:
    return tuple(r[f] for f in GROUP_FIELDS)


def settings_groups(duels: Iterable[Row]) -> list[tuple[tuple, int]]:
    """The duels' settings (all but the seed), with how many students ran each, most first."""
    who: dict[tuple, set] = {}
    for r in duels:
        who.setdefault(_group(r), set()).add(r["student"])
    return sorted(((g, len(s)) for g, s in who.items()), key=lambda t: (-t[1], str(t[0])))


def group_label(group: Sequence[Any]) -> str:
    """A settings group in words.

    Examples
    --------
    >>> group_label(("barbell", 600, 10.0, "oracle", None, "chain", 32))
    'barbell, 600 steps, λ = 10, bridges rare in the graph, reverse chain, 32 samples per model'
    """
    s = dict(zip(GROUP_FIELDS, group, strict=True))
    where = (
        "bridges rare in the graph"
        if s["regime"] == "oracle"
        else f"bridges rare in the data (eps = {s['eps']:g})"
    )
    decoded = "reverse chain" if s["decoder"] == "chain" else "top ρ|E| decoding"
    return (
        f"{family_label(s['family'])}, {s['steps']} steps, λ = {s['lam']:g}, {where}, {decoded}, "
        f"{s['k']} samples per model"
    )


def class_effect(duels: Iterable[Row], group: Sequence[Any] | None = None) -> Effect | None:
    """The class's estimate for one settings group (default: the one most students ran):
    one value per seed, their mean gap and its t-interval; None without a result."""
    duels = list(duels)
    groups = settings_groups(duels)
    group = (groups[0][0] if groups else None) if group is None else tuple(group)
    mine = [r for r in duels if _group(r) == group]
    if not mine:
        return None
    by_seed: dict[int, list[Row]] = {}
    for r in mine:
        by_seed.setdefault(int(r["seed"]), []).append(r)
    seeds = tuple(
        SeedResult(
            seed=s,
            standard=float(np.mean([r["standard_bridge"] for r in rows])),
            weighted=float(np.mean([r["weighted_bridge"] for r in rows])),
            students=len({r["student"] for r in rows}),
        )
        for s, rows in sorted(by_seed.items())
    )
    gaps = [s.gap for s in seeds]
    lo, hi = t_interval(gaps)
    return Effect(
        group=group,
        seeds=seeds,
        students=len({r["student"] for r in mine}),
        mean_gap=float(np.mean(gaps)),
        ci=(lo, hi) if len(seeds) >= 2 else None,
        mean_standard=float(np.mean([s.standard for s in seeds])),
        mean_weighted=float(np.mean([s.weighted for s in seeds])),
    )


def _points(x: float) -> str:
    return f"{100 * x:+.1f}"


NO_RESULT = "No finished duel yet: a result appears when a student's duel has trained and sampled."


def effect_sentences(e: Effect | None) -> list[str]:
    """The estimate in words: only what its numbers support.

    Examples
    --------
    >>> e = Effect(("barbell",), (SeedResult(0, 0.6, 0.9, 2),), 2, 0.3, None, 0.6, 0.9)
    >>> print("\\n".join(effect_sentences(e)))  # doctest: +NORMALIZE_WHITESPACE
    One seed so far (2 students): the weighted model kept the bridge in 90.0% of samples and
    the standard one in 60.0%, a gap of +30.0 points. An interval over seeds needs at least two
    different seeds.
    1 of the 2 students ran a seed another student had run: a duel is deterministic given its
    settings and seed, so each seed counts once. More seeds narrow the interval; more students
    on one seed do not.
    """
    if e is None:
        return [NO_RESULT]
    n = len(e.seeds)
    survival = (
        f"the weighted model kept the bridge in {pct(e.mean_weighted)} of samples and the "
        f"standard one in {pct(e.mean_standard)}"
    )
    if n == 1:
        out = [
            f"One seed so far ({plural(e.students, 'student')}): {survival}, a gap of "
            f"{_points(e.mean_gap)} points. An interval over seeds needs at least two "
            "different seeds."
        ]
    else:
        out = _interval_sentences(e, survival)
    repeats = e.students - n
    if repeats > 0:
        out.append(
            f"{repeats} of the {e.students} students ran a seed another student had run: a "
            "duel is deterministic given its settings and seed, so each seed counts once. "
            "More seeds narrow the interval; more students on one seed do not."
        )
    return out


def _interval_sentences(e: Effect, survival: str) -> list[str]:
    n, (lo, hi) = len(e.seeds), e.ci  # type: ignore[misc]
    out = [
        f"Over {n} seeds ({plural(e.students, 'student')}), on average {survival}: weighted "
        f"minus standard is {_points(e.mean_gap)} points, 95% t-interval over seeds "
        f"[{_points(lo)}, {_points(hi)}]."
    ]
    if lo > 0:
        verdict = "The whole interval is above 0: with these settings the weighted model kept "
        verdict += "the bridge more often."
    elif hi < 0:
        verdict = "The whole interval is below 0: with these settings the weighted model kept "
        verdict += "the bridge less often."
    else:
        verdict = f"The interval includes 0: these {n} seeds do not settle which model keeps "
        verdict += "the bridge more often."
    out.append(verdict)
    if hi - lo < 1e-12:
        out.append(
            f"All {n} seeds gave the same gap, so the interval has no width: these seeds "
            "agree, which does not make the effect known exactly."
        )
    ahead, behind = sum(s.gap > 0 for s in e.seeds), sum(s.gap < 0 for s in e.seeds)
    out.append(
        f"The weighted model was ahead in {ahead} of {n} seeds"
        + (f", behind in {behind}" if behind else "")
        + (f", level in {n - ahead - behind}" if n - ahead - behind else "")
        + "."
    )
    return out
