"""Experiments: the paper's experiments with our numbers beside the paper's."""

import json

import streamlit as st

from specdiff_core import experiments, report, store

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


found = lookup(name, preset, tuple(seeds))
if found is None:
    st.info(
        f"No stored result for **{name}** with the {preset} preset and seeds {seeds}. "
        + ("The full preset can take many minutes on 2 cores." if preset == "full" else "")
    )
    if st.button("Run it now", key="exp_run", type="primary"):
        with st.status(f"Running {name}…", expanded=True) as status:
            line = st.empty()
            res = experiments.run_experiment(
                name, preset=cfg, seeds=seeds, progress=lambda msg: line.write(msg)
            )
            res["preset"] = preset
            path = store.store_result(res, cfg)
            status.update(
                label=f"Done in {res['seconds']:.0f} s; saved to {path}", state="complete"
            )
        lookup.clear()
        st.rerun()
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
