"""Results taken to slides: animated GIFs made of the app's own plotly figures (drawn by
matplotlib, no browser) and result pages as offline HTML (plotly.js inlined, no CDN).

Modules, lowest first: ``traces`` and ``render`` (a plotly figure drawn by matplotlib),
``frames`` (the animations' figures), ``gif`` (frames to a GIF under 5 MB), ``animate``
(the three animations), ``html`` and ``pages`` (offline pages), ``files`` (writing them
without overwriting a file by accident).
"""

from .animate import duel_chain_gif, duel_curves_gif, regime_sweep_gif
from .files import write_new
from .frames import chain_frames, curve_frames, pick, regime_frames
from .gif import MAX_BYTES, SIZES, SLIDE, gif_bytes, slide_size
from .html import Section, markdown_html, offline_html
from .pages import duel_html, protocol_html
from .render import render_panels, render_png

__all__ = [
    "MAX_BYTES",
    "SIZES",
    "SLIDE",
    "Section",
    "chain_frames",
    "curve_frames",
    "duel_chain_gif",
    "duel_curves_gif",
    "duel_html",
    "gif_bytes",
    "markdown_html",
    "offline_html",
    "pick",
    "protocol_html",
    "regime_frames",
    "regime_sweep_gif",
    "render_panels",
    "render_png",
    "slide_size",
    "write_new",
]
