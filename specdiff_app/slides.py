"""Take it to slides: download buttons for the GIFs and offline HTML of the Duel page and
of the Paper protocol page. Each file is made by the core (``specdiff_core.report.export``)
only when its button is clicked (Streamlit runs a callable ``data`` then, beside the
page), and kept in a cache shared by every session: the same duel or settings give the
same file, so a page never gets slower for offering it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from specdiff_core.report import export

from .classroom import flag

GIF, HTML = "image/gif", "text/html"


@st.cache_data(max_entries=16, show_spinner=False)
def duel_file(kind: str, key: tuple, n_rows: int, drawn: tuple, seed: int, _state: Any) -> bytes:
    """One of the duel's files (``kind``: curves, chain or html), for duel ``key`` trained
    to ``n_rows`` history rows with samples ``drawn`` (its step, k and decoder)."""
    duel, test = _state["duel"], _state["test"]
    history = list(duel.history)[:n_rows]
    result = _state["samples"][1]
    if kind == "curves":
        return export.duel_curves_gif(history)
    if kind == "chain":
        return export.duel_chain_gif(test, result.samples, seed=seed)
    family, steps, lam, _, regime, eps = key
    settings = {"family": family, "steps": steps, "lam": lam, "regime": regime, "seed": seed}
    if eps is not None:
        settings["eps"] = eps
    return export.duel_html(history, test, result, seed=seed, settings=settings).encode()


def duel_downloads(state: dict[str, Any], seed: int) -> None:
    """The Duel page's row: the curves and the reverse chain as GIFs, the result as HTML."""
    if flag("downloads_hide") or state["samples"] is None or not state["duel"].history:
        return
    drawn = state["samples"][0]
    has_chain = state["samples"][1].samples["standard"].chain is not None
    args = (state["key"], len(state["duel"].history), drawn, seed, state)
    tag = f"{state['key'][0]}_s{seed}"
    st.caption("Take it to slides (made when you click: a few seconds)")
    c = st.columns(3)
    c[0].download_button(
        "Curves (GIF)",
        lambda: duel_file("curves", *args),
        f"duel_curves_{tag}.gif",
        GIF,
        key="dl_slides_curves",
        on_click="ignore",
    )
    c[1].download_button(
        "Reverse chain (GIF)",
        lambda: duel_file("chain", *args),
        f"duel_chain_{tag}.gif",
        GIF,
        key="dl_slides_chain",
        on_click="ignore",
        disabled=not has_chain,
        help=None
        if has_chain
        else "Top ρ|E| graphs come from many chains: decode by the reverse chain to animate one.",
    )
    c[2].download_button(
        "This result (offline HTML)",
        lambda: duel_file("html", *args),
        f"duel_{tag}.html",
        HTML,
        key="dl_slides_duel_html",
        on_click="ignore",
    )


@st.cache_data(max_entries=16, show_spinner=False)
def protocol_file(kind: str, cfg: Any, _res: dict, _rm: dict) -> bytes:
    """The regime map sweeping eps (``kind`` "lam" or "rho", a GIF) or the page ("html")."""
    if kind == "html":
        note = f"K = {cfg.trials} trials per method, seed {cfg.seed}."
        return export.protocol_html(_res, _rm, note=note).encode()
    return export.regime_sweep_gif(_rm, axis=kind)


def protocol_downloads(cfg: Any, res: dict, rm: dict) -> None:
    """The Paper protocol page's row: both regime maps sweeping eps, and the page as HTML."""
    if flag("downloads_hide"):
        return
    st.caption("Take it to slides (made when you click: a few seconds)")
    c = st.columns(3)
    for col, kind, label in ((c[0], "lam", "eps x λ"), (c[1], "rho", "eps x ρ")):
        col.download_button(
            f"Regime map {label}, sweeping eps (GIF)",
            lambda kind=kind: protocol_file(kind, cfg, res, rm),
            f"protocol_regime_{kind}.gif",
            GIF,
            key=f"dl_slides_regime_{kind}",
            on_click="ignore",
        )
    c[2].download_button(
        "This page (offline HTML)",
        lambda: protocol_file("html", cfg, res, rm),
        "protocol.html",
        HTML,
        key="dl_slides_protocol_html",
        on_click="ignore",
    )
