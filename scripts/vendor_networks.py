"""Write the real networks of ``assets/networks`` from the packages that carry them.

Usage: ``python scripts/vendor_networks.py SOURCES [OUT_DIR]`` where ``SOURCES`` is a
directory with these wheels unpacked in it (``pip download --no-deps pypower==5.1.21
pygsp==0.6.1 cect==0.3.5``, then ``unzip`` each): pypower's IEEE/MATPOWER case files
(Python), pygsp's ``minnesota.mat`` and cect's ``VarshneyDataReader.json``. None of them
is a dependency of the app: cect pins numpy < 2.4 and plotly < 6, so only these files
are taken, with their licences (assets/networks/README.md). The app reads the edge
lists; nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CASES = ("case14", "case30", "case39", "case57", "case118")


def header(name: str, lines: list[str]) -> str:
    return "".join(f"# {t}\n" for t in [name, *lines])


def power_case(src: Path, case: str) -> str:
    """Buses and in-service branches (lines and transformers); a parallel line is listed
    once per circuit, as in the case file."""
    sys.path.insert(0, str(src))
    ppc = getattr(importlib.import_module(f"pypower.{case}"), case)()
    on = ppc["branch"][:, 10] == 1  # BR_STATUS
    rows = ppc["branch"][on][:, :2].astype(int)
    body = "".join(f"{u} {v}\n" for u, v in rows)
    return (
        header(
            f"{case}: power grid, buses and branches",
            [
                "source: pypower 5.1.21 (PyPI), pypower/" + case + ".py (MATPOWER's case file)",
                "licence: BSD-3-Clause, (c) 1996-2015 PSERC and contributors (pypower's LICENSE)",
                f"in-service branches: {len(rows)}",
            ],
        )
        + body
    )


def minnesota(src: Path) -> str:
    """The road network as pygsp stores it (MatlabBGL's), without pygsp's added edge."""
    from scipy.io import loadmat

    A = loadmat(src / "pygsp" / "data" / "pointclouds" / "minnesota.mat")["A"].tocoo()
    pairs = sorted(
        {(min(i, j) + 1, max(i, j) + 1) for i, j in zip(A.row, A.col, strict=True) if i != j}
    )
    return header(
        "minnesota: Minnesota road network (intersections and road segments)",
        [
            "source: pygsp 0.6.1 (PyPI), pygsp/data/pointclouds/minnesota.mat (from "
            "D. Gleich's MatlabBGL); nodes numbered 1..2642 as in the matrix",
            "licence: BSD-3-Clause, (c) 2014 EPFL LTS2 (pygsp's LICENSE.txt)",
        ],
    ) + "".join(f"{u} {v}\n" for u, v in pairs)


def worm(src: Path) -> str:
    """C. elegans gap junctions (electrical synapses), Varshney et al. 2011, as cect
    stores them: an undirected edge wherever a neuron pair shares one or more."""
    data = json.loads((src / "cect" / "cache" / "VarshneyDataReader.json").read_text())
    names = data["nodes"]
    gj = np.array(data["connections"]["Generic_GJ"], dtype=float)  # (n, n)
    pairs = sorted(
        {
            tuple(sorted((names[i], names[j])))
            for i, j in zip(*np.nonzero(gj), strict=True)
            if i != j
        }
    )
    return header(
        "celegans_gap: C. elegans gap-junction network (neurons, electrical synapses)",
        [
            "source: cect 0.3.5 (PyPI), cect/cache/VarshneyDataReader.json, connection "
            "type Generic_GJ (Varshney et al. 2011, PLoS Comput Biol 7:e1001066)",
            "licence: MIT, (c) 2026 OpenWorm (cect's LICENSE)",
        ],
    ) + "".join(f"{u} {v}\n" for u, v in pairs)


def main(argv: list[str]) -> None:
    src = Path(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "assets" / "networks"
    out.mkdir(parents=True, exist_ok=True)
    files = {f"{c}.edges": power_case(src, c) for c in CASES}
    files["minnesota.edges"] = minnesota(src)
    files["celegans_gap.edges"] = worm(src)
    for name, text in files.items():
        (out / name).write_text(text)
        print(out / name)


if __name__ == "__main__":
    main(sys.argv[1:])
