"""Cells of the paper's markdown tables, written one way everywhere."""

from __future__ import annotations

from typing import Any

from ...formatting import ci_text, pct


def escape(text: str) -> str:
    """Text for a markdown table cell: a bare ``|`` (as in ρ|E|) would end the cell."""
    return text.replace("|", "\\|")


def yes_no(ok: bool | None) -> str:
    """A within-interval verdict: empty when there is none, a bold **no** when it fails."""
    return "" if ok is None else ("yes" if ok else "**no**")


def connected_cell(r: dict[str, Any] | None) -> str:
    """A result's connected share and its interval (empty for no result)."""
    if not r:
        return ""
    return f"{pct(r['connectivity'])} {ci_text(r['connectivity_ci'])}"
