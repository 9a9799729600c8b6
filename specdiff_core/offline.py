"""Offline assets for the interactive (vis-network) graph view.

pyvis 0.3.2 links CDNs in every ``cdn_resources`` mode (bootstrap even with
``in_line``), so the app never uses its HTML templates. It only borrows the
vis-network 9.1.2 script that ships *inside* the pyvis package, and inlines it
into a page it writes itself. :func:`external_urls` is the check that the result
needs no network: it lists every ``src``/``href``/``url()`` pointing off the page.

No streamlit import here: the CLI and the tests use this module too.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from .paths import ASSETS_DIR

__all__ = ["VIS_VERSION", "vis_network_js", "vis_tooltip_css", "external_urls", "script_json"]

VIS_VERSION = "9.1.2"
_VENDORED = ASSETS_DIR / "web"  # optional fallback copy

# The one rule of vis-network.css the view needs (tooltips); the rest of that 220 kB file
# styles the manipulation toolbar and configurator, which the view does not use.
_TOOLTIP_CSS_FALLBACK = (
    "div.vis-tooltip{background-color:#f5f4ed;border:1px solid #808074;border-radius:3px;"
    "box-shadow:3px 3px 10px rgba(0,0,0,.2);color:#000;font-family:sans-serif;font-size:13px;"
    "padding:5px;pointer-events:none;position:absolute;visibility:hidden;white-space:nowrap;"
    "z-index:5}"
)


def _asset_dirs() -> list[Path]:
    dirs = []
    try:
        import pyvis

        dirs.append(Path(pyvis.__file__).resolve().parent / "lib" / f"vis-{VIS_VERSION}")
    except ImportError:  # pragma: no cover - pyvis is a runtime dependency
        pass
    dirs.append(_VENDORED / f"vis-{VIS_VERSION}")
    return dirs


def _read_asset(name: str) -> str:
    for d in _asset_dirs():
        path = d / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(
        f"vis-network {VIS_VERSION} asset {name!r} not found in {[str(d) for d in _asset_dirs()]}; "
        "install pyvis==0.3.2 (it ships the file) or copy it to assets/web/vis-9.1.2/"
    )


@functools.cache
def vis_network_js() -> str:
    """The vis-network standalone script, read once from the pyvis package."""
    js = _read_asset("vis-network.min.js")
    return js.replace("</script", "<\\/script")  # cannot close the inline <script> early


@functools.cache
def vis_tooltip_css() -> str:
    """The tooltip rule of vis-network.css (falls back to an equivalent copy)."""
    try:
        css = _read_asset("vis-network.css")
    except FileNotFoundError:
        return _TOOLTIP_CSS_FALLBACK
    rules = re.findall(r"div\.vis-tooltip\{[^}]*\}", css)
    return "".join(rules).replace("font-family:verdana", "font-family:sans-serif") or (
        _TOOLTIP_CSS_FALLBACK
    )


_URL_ATTR = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*|url\(\s*["']?\s*|@import\s+["'])"""
    r"""((?:https?:)?//[^"'\s)>]+)""",
    re.IGNORECASE,
)


def external_urls(html: str) -> list[str]:
    """Every URL the page would fetch from another host (``src=``, ``href=``, ``url()``).

    >>> external_urls('<script src="https://cdn.example/x.js"></script><a href="#a">a</a>')
    ['https://cdn.example/x.js']
    """
    return _URL_ATTR.findall(html)


def script_json(text: str) -> str:
    """Make JSON text safe inside an inline ``<script>`` (no ``</script>``, no ``<!--``)."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
