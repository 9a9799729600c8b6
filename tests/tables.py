"""Checks on the markdown tables that reports and docs are made of."""

from __future__ import annotations

import re


def table_shapes_ok(markdown: str) -> bool:
    """Every row of every markdown table has as many cells as its header (an unescaped
    '|' inside a cell, as in rho|E|, would split it)."""
    cells = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            cells = None
            continue
        n = len(re.split(r"(?<!\\)\|", line))
        if cells is None:
            cells = n
        elif n != cells:
            return False
    return True
