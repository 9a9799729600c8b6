"""The README and docs: their tables are well formed, their generated sections match the
bundled results, and they tell the corrected story (no comparison of unlike things)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tables import table_shapes_ok

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_markdown_tables_are_well_formed(path):
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)  # code blocks are not tables
    assert table_shapes_ok(text), f"a table row in {path.name} has the wrong number of cells"


def test_generated_sections_are_up_to_date(tmp_path):
    """scripts/update_readme.py, run on the bundled results, changes nothing: the numbers in
    the README and docs are the bundled results' (none typed by hand, none stale)."""
    import shutil
    import subprocess
    import sys

    for rel in ("README.md", "docs", "scripts", "specdiff_core", "assets/results"):
        src = ROOT / rel
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / rel)
    subprocess.run([sys.executable, str(tmp_path / "scripts" / "update_readme.py")], check=True)
    for rel in ("README.md", "docs/science.md", "docs/beyond.md"):
        assert (tmp_path / rel).read_text() == (ROOT / rel).read_text(), (
            f"{rel} is stale: run python scripts/update_readme.py"
        )


def test_the_story_compares_like_with_like():
    readme = (ROOT / "README.md").read_text()
    assert "does not reproduce here" not in readme  # the old, unlike comparison
    assert "paper: connectivity" not in readme  # no paper column under a trained duel
    assert "## paper_protocol" in readme.replace("### paper_protocol", "## paper_protocol")
    proto = json.loads((ROOT / "assets/results/quick/paper_protocol.json").read_text())
    assert proto["barbell"]["methods"]["weighted"]["within"]["connectivity"]
