"""Where things are on disk: one place, so that moving a module never breaks a path."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent  # specdiff_core/
REPO_DIR = PACKAGE_DIR.parent  # the checkout: assets/, benchmarks/ (absent when installed)
ASSETS_DIR = REPO_DIR / "assets"
BENCHMARKS_DIR = REPO_DIR / "benchmarks"


def data_dir() -> Path:
    """Where a server keeps what it must not lose (the class store):
    ``$XDG_DATA_HOME/specdiff``, else ``~/.local/share/specdiff``. Not created here."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base).expanduser() / "specdiff"


__all__ = ["PACKAGE_DIR", "REPO_DIR", "ASSETS_DIR", "BENCHMARKS_DIR", "data_dir"]
