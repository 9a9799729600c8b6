"""Take it to slides: download buttons for the animations (GIF, and MP4 beside it) and
offline HTML of the Duel page and of the Paper protocol page. Each file is made by the core
(``specdiff_core.report.export``) only when its button is clicked (Streamlit runs a
callable ``data`` then, beside the page), and kept in a cache shared by every session: the
same duel or settings give the same file, so a page never gets slower for offering it. An
animation's frames are drawn once (the slow part) and cached as a ``Clip``, so its GIF and
its MP4 share them."""

from __future__ import annotations

from typing import Any

import streamlit as st

from specdiff_core import graphs
from specdiff_core.report import export

from .classroom import flag

GIF, MP4, HTML = "image/gif", "video/mp4", "text/html"


@st.cache_data(max_entries=16, show_spinner=False)
def duel_clip(kind: str, key: tuple, n_rows: int, drawn: tuple, seed: int, _state: Any):
    """The frames of one of the duel's animations (``kind``: curves or chain), for duel
    ``key`` trained to ``n_rows`` history rows with samples ``drawn`` (its step, k and
    decoder): PNGs, a few MB."""
    if kind == "curves":
        return export.duel_curves_clip(list(_state["duel"].history)[:n_rows])
    return export.duel_chain_clip(_state["test"], _state["samples"][1].samples, seed=seed)


@st.cache_data(max_entries=16, show_spinner=False)
def duel_file(
    kind: str, fmt: str, key: tuple, n_rows: int, drawn: tuple, seed: int, _state: Any
) -> bytes:
    """One of the duel's files: an animation (``kind`` curves or chain) as ``fmt`` (gif or
    mp4), or the result as offline HTML (``kind`` html)."""
    if kind != "html":
        return duel_clip(kind, key, n_rows, drawn, seed, _state).encode(fmt)
    duel, test = _state["duel"], _state["test"]
    history = list(duel.history)[:n_rows]
    result = _state["samples"][1]
    family, steps, lam, _, regime, eps = key
    settings = {
        "family": graphs.family_label(family),
        "steps": steps,
        "lam": lam,
        "regime": regime,
        "seed": seed,
    }
    if eps is not None:
        settings["eps"] = eps
    return export.duel_html(history, test, result, seed=seed, settings=settings).encode()


def clip_buttons(col: Any, label: str, make: Any, stem: str, key: str, **kwargs: Any) -> None:
    """One animation's downloads in ``col``: the GIF, and under it the MP4 (or one line
    saying why there is none here). ``make(fmt)`` gives the file's bytes when clicked;
    keys ``dl_slides_<key>`` and ``dl_slides_mp4_<key>``."""
    col.download_button(
        f"{label} (GIF)",
        lambda: make("gif"),
        f"{stem}.gif",
        GIF,
        key=f"dl_slides_{key}",
        on_click="ignore",
        **kwargs,
    )
    why = export.mp4_unavailable()
    if why:
        col.caption(f"No MP4 here: {why}")
        return
    col.download_button(
        f"{label} (MP4 video)",
        lambda: make("mp4"),
        f"{stem}.mp4",
        MP4,
        key=f"dl_slides_mp4_{key}",
        on_click="ignore",
        **kwargs,
    )


def duel_downloads(state: dict[str, Any], seed: int) -> None:
    """The Duel page's row: the curves and the reverse chain as GIFs and MP4s, the result
    as HTML."""
    if flag("downloads_hide") or state["samples"] is None or not state["duel"].history:
        return
    drawn = state["samples"][0]
    has_chain = state["samples"][1].samples["standard"].chain is not None
    args = (state["key"], len(state["duel"].history), drawn, seed, state)
    tag = f"{state['key'][0]}_s{seed}"
    st.caption("Take it to slides (made when you click: a few seconds)")
    c = st.columns(3)
    clip_buttons(
        c[0], "Curves", lambda fmt: duel_file("curves", fmt, *args), f"duel_curves_{tag}", "curves"
    )
    chain_help = (
        None
        if has_chain
        else "Top ρ|E| graphs come from many chains: decode by the reverse chain to animate one."
    )
    clip_buttons(
        c[1],
        "Reverse chain",
        lambda fmt: duel_file("chain", fmt, *args),
        f"duel_chain_{tag}",
        "chain",
        disabled=not has_chain,
        help=chain_help,
    )
    c[2].download_button(
        "This result (offline HTML)",
        lambda: duel_file("html", "", *args),
        f"duel_{tag}.html",
        HTML,
        key="dl_slides_duel_html",
        on_click="ignore",
    )


@st.cache_data(max_entries=16, show_spinner=False)
def protocol_clip(axis: str, cfg: Any, _rm: dict):
    """The frames of the regime map sweeping eps (``axis`` lam or rho): PNGs, a few MB."""
    return export.regime_sweep_clip(_rm, axis=axis)


@st.cache_data(max_entries=16, show_spinner=False)
def protocol_file(kind: str, fmt: str, cfg: Any, _res: dict, _rm: dict) -> bytes:
    """The regime map sweeping eps (``kind`` "lam" or "rho") as ``fmt`` (gif or mp4), or
    the page (``kind`` "html")."""
    if kind == "html":
        note = f"K = {cfg.trials} trials per method, seed {cfg.seed}."
        return export.protocol_html(_res, _rm, note=note).encode()
    return protocol_clip(kind, cfg, _rm).encode(fmt)


def protocol_downloads(cfg: Any, res: dict, rm: dict) -> None:
    """The Paper protocol page's row: both regime maps sweeping eps (GIF and MP4), and the
    page as HTML."""
    if flag("downloads_hide"):
        return
    st.caption("Take it to slides (made when you click: a few seconds)")
    c = st.columns(3)
    for col, kind, label in ((c[0], "lam", "eps x λ"), (c[1], "rho", "eps x ρ")):
        clip_buttons(
            col,
            f"Regime map {label}, sweeping eps",
            lambda fmt, kind=kind: protocol_file(kind, fmt, cfg, res, rm),
            f"protocol_regime_{kind}",
            f"regime_{kind}",
        )
    c[2].download_button(
        "This page (offline HTML)",
        lambda: protocol_file("html", "", cfg, res, rm),
        "protocol.html",
        HTML,
        key="dl_slides_protocol_html",
        on_click="ignore",
    )
