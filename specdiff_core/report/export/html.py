"""A result page as one offline HTML file: plotly's script inlined once (no CDN), then
each section's heading, figure, markdown table and text. It opens on a laptop with no
network, in a slide deck's browser view or attached to an e-mail."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    """One part of a page: a heading, figures, then text (markdown tables are turned into
    HTML tables; any other line becomes a paragraph)."""

    heading: str
    figures: Sequence[Any] = ()
    text: Sequence[str] = field(default_factory=tuple)


def offline_html(title: str, sections: Sequence[Section], *, note: str = "") -> str:
    """The page: plotly.js inlined in the first figure (``include_plotlyjs=True``), the
    later figures reuse it."""
    import plotly.io as pio

    parts = [f"<h1>{html.escape(title)}</h1>"]
    if note:
        parts.append(f"<p class='note'>{html.escape(note)}</p>")
    inlined = False
    for sec in sections:
        parts.append(f"<h2>{html.escape(sec.heading)}</h2>")
        for fig in sec.figures:
            parts.append(
                pio.to_html(
                    fig,
                    full_html=False,
                    include_plotlyjs=not inlined,
                    config={"displaylogo": False},
                )
            )
            inlined = True
        parts.extend(markdown_html(sec.text))
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>"
    )


_CSS = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
    "td,th{border:1px solid #ccc;padding:3px 8px}.note{color:#666}"
)


def markdown_html(lines: Sequence[str]) -> list[str]:
    """The report's markdown (tables, bold, paragraphs) as HTML, escaped.

    >>> markdown_html(["| a | b |", "|---|---|", "| 1 | **2** |"])
    ['<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td><b>2</b></td></tr></table>']
    """
    out: list[str] = []
    rows: list[str] = []
    for line in [*"\n".join(lines).splitlines(), ""]:
        if line.startswith("|"):
            rows.append(line)
            continue
        if rows:
            out.append(_table(rows))
            rows = []
        if line.strip():
            out.append(f"<p>{_inline(line.lstrip('#').strip())}</p>")
    return out


def _table(rows: list[str]) -> str:
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    body = [r for r in cells if not all(set(c) <= set("-: ") for c in r)]
    head, rest = body[0], body[1:]
    tr = ["<tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr>"]
    tr += ["<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in rest]
    return "<table>" + "".join(tr) + "</table>"


def _inline(text: str) -> str:
    """Escaped text with markdown's **bold** and *italic*, and its escaped pipes."""
    import re

    s = html.escape(text.replace("\\|", "|"))
    s = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)
    return re.sub(r"\*(.+?)\*", r"<i>\1</i>", s)
