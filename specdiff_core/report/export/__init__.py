"""Results taken to slides: animated GIFs and MP4s made of the app's own plotly figures
(drawn by matplotlib, no browser) and result pages as offline HTML (plotly.js inlined, no
CDN).

Modules, lowest first: ``traces`` and ``render`` (a plotly figure drawn by matplotlib),
``frames`` (the animations' figures), ``limits`` (the slide's sizes, 5 MB and the frames'
timing), ``gif`` and ``mp4`` (frames to a GIF or an H.264 MP4), ``animate`` (the three
animations, each drawn once into a ``Clip`` that gives either format), ``html`` and
``pages`` (offline pages), ``files`` (writing them without overwriting a file by accident).
"""

from .animate import (
    FORMATS,
    Clip,
    duel_chain_clip,
    duel_chain_gif,
    duel_curves_clip,
    duel_curves_gif,
    regime_sweep_clip,
    regime_sweep_gif,
)
from .files import write_new
from .frames import chain_frames, curve_frames, pick, regime_frames
from .gif import gif_bytes
from .html import Section, markdown_html, offline_html
from .limits import MAX_BYTES, SIZES, SLIDE, slide_size
from .mp4 import mp4_bytes, mp4_unavailable
from .pages import duel_html, protocol_html
from .render import render_panels, render_png

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "SIZES",
    "SLIDE",
    "Clip",
    "Section",
    "chain_frames",
    "curve_frames",
    "duel_chain_clip",
    "duel_chain_gif",
    "duel_curves_clip",
    "duel_curves_gif",
    "duel_html",
    "gif_bytes",
    "markdown_html",
    "mp4_bytes",
    "mp4_unavailable",
    "offline_html",
    "pick",
    "protocol_html",
    "regime_frames",
    "regime_sweep_clip",
    "regime_sweep_gif",
    "render_panels",
    "render_png",
    "slide_size",
    "write_new",
]
