"""Copy measured results into README.md and docs/ between their marker comments.

Nothing in those sections is typed by hand: they are the files written by
    python -m specdiff_core reproduce --experiment all --seeds 5 --quick --out assets/results/quick
    python -m specdiff_core reproduce --experiment barbell --seeds 5 --out assets/results/full
    python -m specdiff_core bench resistance   (output kept in docs/bench_resistance.md)
    python -m specdiff_core bench diffusion    (output kept in docs/bench_diffusion.md)
    python -m specdiff_core bench protocol     (output kept in docs/bench_protocol.md)
    python benchmarks/load_test.py --save docs/load_test/default.txt
    python benchmarks/load_test.py --distinct-seeds --save docs/load_test/distinct.txt
    python benchmarks/app_speed.py --duel --save docs/load_test/duel_responsiveness.txt
Run ``python scripts/update_readme.py`` after any of them.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUICK = "python -m specdiff_core reproduce --experiment all --seeds 5 --quick --out assets/results/quick"
FULL = "python -m specdiff_core reproduce --experiment barbell --seeds 5 --out assets/results/full"
BEYOND = ("controls", "controls_chain", "real_networks", "finetune", "sensitivity", "capacity")


def load(name: str, preset: str = "quick") -> dict | None:
    path = ROOT / "assets" / "results" / preset / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def section(text: str, marker: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md lacks the <!-- {marker}:start/end --> markers")
    return pattern.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(2), text)


def bench_output(name: str) -> str | None:
    """The first fenced block under '## Output' in docs/bench_<name>.md."""
    path = ROOT / "docs" / f"bench_{name}.md"
    if not path.is_file():
        return None
    text = path.read_text()
    m = re.search(r"## Output.*?```\n(.*?)```", text, re.S)
    return m.group(1).rstrip() if m else None


CLASSROOM = (  # docs/load_test/<name>.txt, verbatim, under these headings
    (
        "default",
        "### 30 students on the lesson's default path (the teacher's link: one seed)",
    ),
    (
        "distinct",
        "### 30 students, each on a different seed (nothing to share: the queue at work)",
    ),
    (
        "duel_responsiveness",
        "### The duel page while it trains, in chromium (target: never blocked > 1 s)",
    ),
)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    summary = ROOT / "assets" / "results" / "quick" / "summary.md"
    if summary.is_file():
        body = summary.read_text().split("\n", 1)[1]  # drop the document title
        body = body.replace("\n## ", "\n### ")
        text = section(
            text,
            "results",
            f"Produced by `{QUICK}` (the app's Experiments page loads these files).\n" + body,
        )
    full = ROOT / "assets" / "results" / "full" / "summary.md"
    if full.is_file():
        body = full.read_text().split("\n", 1)[1].replace("\n## ", "\n#### ")
        text = section(
            text,
            "results-full",
            f"Full preset (1,500 steps, 8 test graphs x 64 samples), produced by `{FULL}`:\n"
            + body,
        )
    perf = []
    benches = (
        ("resistance", "Effective resistance"),
        ("diffusion", "Diffusion"),
        ("protocol", "The paper's protocol"),
    )
    for name, title in benches:
        output = bench_output(name)
        if output:
            perf.append(
                f"### {title}: `python -m specdiff_core bench {name}`\n\n"
                f"Verbatim output; conditions and how to read it: [docs/bench_{name}.md]"
                f"(docs/bench_{name}.md).\n\n```\n{output}\n```\n"
            )
    if perf:
        text = section(text, "perf", "\n".join(perf))
    classroom = []
    for name, title in CLASSROOM:
        path = ROOT / "docs" / "load_test" / f"{name}.txt"
        if path.is_file():
            classroom.append(f"{title}\n\n```\n{path.read_text().rstrip()}\n```\n")
    if classroom:
        text = section(text, "classroom", "\n".join(classroom))
    from specdiff_core import report

    names = ("paper_protocol", "paper_learned", "barbell")
    found = {n: r for n in names if (r := load(n)) is not None}
    if found:
        bullets = "\n".join(f"- {line}" for line in report.findings(found))
        text = section(text, "findings", f"Read off the bundled results (`{QUICK}`):\n\n" + bullets)
    readme.write_text(text)

    science = ROOT / "docs" / "science.md"
    proto = load("paper_protocol")
    if proto is not None:
        science.write_text(
            section(science.read_text(), "protocol", report.protocol_markdown(proto))
        )
    beyond = ROOT / "docs" / "beyond.md"
    btext = beyond.read_text()
    for name in BEYOND:
        res = load(name)
        if res is not None and f"<!-- result-{name}:start -->" in btext:
            btext = section(btext, f"result-{name}", report.experiment_markdown(res))
    beyond.write_text(btext)


if __name__ == "__main__":
    main()
