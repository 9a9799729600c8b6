"""Experiments: the paper's experiments with our numbers beside the paper's."""

import json
from pathlib import Path

import streamlit as st

from pages._classroom import job_pool, queue_text, session_id
from specdiff_core import experiments, jobs, report, store
from specdiff_core.jobs import PoolFull

ss = st.session_state

st.title("The paper's experiments")
st.markdown(
    "Each experiment trains the duel on a graph family over several seeds and samples "
    "sparsifications of held-out graphs. Our figures come with 95% Wilson intervals; the "
    "paper's reported figure sits in its own column. Results already computed for the same "
    "settings (bundled with the app, or run earlier on this server) load instantly."
)

NAMES = [n for n in experiments.EXPERIMENTS if n != "custom"]
c = st.columns([2, 1, 1])
name = c[0].selectbox(
    "Experiment",
    NAMES,
    format_func=lambda n: f"{n}: {experiments.EXPERIMENTS[n].description}",
    key="exp_name",
    bind="query-params",
)
preset = c[1].selectbox("Preset", ["quick", "full"], key="exp_preset", bind="query-params")
n_seeds = c[2].number_input("Seeds", 1, 10, 3, key="exp_seeds", bind="query-params")
cfg = experiments.PRESETS[preset]
seeds = list(range(int(n_seeds)))


@st.cache_data(max_entries=64, show_spinner=False, ttl=3600)
def lookup(name: str, preset: str, seeds: tuple[int, ...]):
    found = store.find_result(name, experiments.PRESETS[preset], seeds)
    return None if found is None else (found[0], str(found[1]))


def submit_run(name: str, preset: str, seeds: list[int]):
    """Run the experiment in the server's job pool; it stops if nobody watches it any more."""
    cfg = experiments.PRESETS[preset]
    lines: list[str] = []

    def run(ctx):
        # in a worker process; it stops at its next progress line once nobody watches
        res = ctx.call(jobs.experiment_remote, name, cfg, seeds, on_message=lines.append)
        res["preset"] = preset
        return res, str(store.store_result(res, cfg))

    return job_pool().submit(
        run,
        owner=session_id(),
        key=("experiment", name, preset, tuple(seeds)),
        label=f"experiment {name} ({preset}, seeds {seeds})",
        cost=len(seeds) * cfg.duel.train.steps * 2,
        shared=lines,
    )


@st.fragment(run_every=1.0)
def watch(ticket) -> None:
    with st.container():  # one slot, whatever it shows (see _duel_ui.live_panel)
        show_run(ticket)


def show_run(ticket) -> None:
    view = ticket.poll()
    if view.status == "done":
        ss.pop("exp_ticket", None)
        res, path = ticket.result()
        if not Path(path).exists():  # an identical run done earlier, its file since removed
            store.store_result(res, experiments.PRESETS[res["preset"]])
        lookup.clear()
        st.rerun()
    if view.status in ("failed", "cancelled"):
        ss.pop("exp_ticket", None)
        st.error(f"The run stopped: {view.error or view.status}. Nothing else is affected.")
        return
    with st.status(f"Running: {queue_text(view).replace('**', '')}", expanded=True):
        for line in list(ticket.shared or [])[-8:]:
            st.write(line)


found = lookup(name, preset, tuple(seeds))
if found is None:
    st.info(
        f"No stored result for **{name}** with the {preset} preset and seeds {seeds}. "
        + ("The full preset can take many minutes on 2 cores." if preset == "full" else "")
    )
    run_key = ("experiment", name, preset, tuple(seeds))
    ticket = ss.get("exp_ticket")
    if ticket is not None and ticket[0] != run_key:
        ticket[1].cancel()  # the settings changed: stop watching the old run
        ss["exp_ticket"] = ticket = None
    if ticket is None:
        if st.button("Run it now", key="exp_run", type="primary"):
            try:
                ss["exp_ticket"] = (run_key, submit_run(name, preset, seeds))
            except PoolFull as exc:
                st.error(str(exc))
            else:
                st.rerun()
        st.stop()
    watch(ticket[1])
    st.stop()

res, path = found
st.caption(f"Loaded from `{path}` (computed in {res.get('seconds', float('nan')):.0f} s).")
st.markdown(report.experiment_markdown(res))
for fig_key, fig in report.result_figures(res).items():
    st.plotly_chart(fig, key=f"exp_fig_{fig_key}", config={"displaylogo": False})
st.download_button(
    "Result (JSON)",
    json.dumps(res, default=float, indent=1),
    f"{name}_{preset}.json",
    "application/json",
    key="exp_download",
)
