"""Where things are on disk: one place, so that moving a module never breaks a path."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent  # specdiff_core/
REPO_DIR = PACKAGE_DIR.parent  # the checkout: assets/, benchmarks/ (absent when installed)
ASSETS_DIR = REPO_DIR / "assets"
BENCHMARKS_DIR = REPO_DIR / "benchmarks"

__all__ = ["PACKAGE_DIR", "REPO_DIR", "ASSETS_DIR", "BENCHMARKS_DIR"]
