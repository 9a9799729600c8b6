"""Experiments: the paper's tables reproduced by its own protocol, the paper's claim on
trained models in both regimes, then every experiment of ours."""

import json
from pathlib import Path

import streamlit as st

from specdiff_app.boot import through_app
from specdiff_app.classroom import full_runs_allowed, job_pool, queue_text, session_id
from specdiff_app.job_slot import JobSlot
from specdiff_core import experiments, report, server
from specdiff_core.experiments import protocol, store

through_app()  # first: a deep link on a fresh server runs this page alone

ss = st.session_state
BUNDLED_SEEDS = 5  # the bundled results (assets/results) were run with seeds 0..4
SLOT = JobSlot("exp", failure="The run stopped")

st.title("The paper's experiments")
st.markdown(
    "The paper's own experiments are a **scoring simulation**: no network is trained. "
    "Section 1 runs that simulation exactly as the paper describes it, with the paper's "
    "figures in their own columns. Section 2 puts the paper's claim to **trained** "
    "diffusion models on the paper's own graphs, in two regimes: bridges *rare in the "
    "data* (the paper's) and bridges *rare in the graph* but kept by every target (ours). "
    "Section 3 has every experiment, ours included."
)


@st.cache_data(max_entries=4, show_spinner="Running the paper's protocol…")
def paper_protocol() -> tuple[dict, str]:
    cfg = protocol.ProtocolConfig()
    found = store.find_protocol(cfg)
    if found is not None:
        return found[0], "bundled with the app"
    return protocol.run_protocol(cfg), "computed on this server just now"


@st.cache_data(max_entries=64, show_spinner=False, ttl=3600)
def lookup(name: str, preset: str, seeds: tuple[int, ...]):
    found = store.find_result(name, experiments.PRESETS[preset], seeds)
    if found is None:
        return None
    where = (
        "bundled with the app" if store.BUNDLED_DIR in found[1].parents else "run on this server"
    )
    return found[0], where


def where_text(res: dict, where: str) -> str:
    return f"Result {where} (computed in {res.get('seconds', float('nan')):.0f} s)."


# --------------------------------------------------------------- 1. the paper's protocol

st.header("1. The paper's protocol, as the paper ran it", divider="gray")
proto, where = paper_protocol()
c = proto["config"]
st.caption(
    f"K = {c['trials']} trials per method; P_freq {c['p_common']:g} for clique edges and "
    f"{c['eps']:g} for bridges; λ = {c['lam']:g}. {where_text(proto, where)} Move every "
    "setting on the Paper protocol page."
)
t1, t2 = st.tabs(["Table 1: Exp I, barbell", "Table 2: Exp II, asymmetric chain"])
with t1:
    st.markdown("\n".join(report.protocol_table_markdown(proto["barbell"], "barbell")))
with t2:
    st.markdown(
        "\n".join(report.protocol_table_markdown(proto["asymmetric_chain"], "asymmetric_chain"))
    )
dyn, th = proto["dynamics"], proto["thickness"]
st.markdown(
    f"**Exp III** ({th['layout']} copies, frequency unit {th['unit']:g}): the standard "
    "score's connectivity "
    + (
        f"crosses 50% at k = {th['transition']['standard']:.2f}"
        if th["transition"]["standard"] is not None
        else "never crosses 50% for k ≤ 8"
    )
    + f" (paper: {protocol.PAPER_THICKNESS['transition']}); other readings on the Paper "
    f"protocol page. **Exp IV**: the weighted single logit settles at "
    f"{dyn['final_p']['weighted']:.3f}, the closed form ωε / (ωε + 1 − ε) = "
    f"{dyn['fixed_point']:.3f}; the paper reports p → 1."
)
st.page_link(
    "pages/protocol.py",
    label="Paper protocol: move eps, ρ, λ, K, k",
    icon=":material/calculate:",
)

# ------------------------------------------------------- 2. the claim on trained models

st.header("2. The paper's claim on trained models", divider="gray")
found = lookup("paper_learned", "quick", tuple(range(BUNDLED_SEEDS)))
if found is None:
    st.info(
        "No stored result of paper_learned for the quick preset and seeds "
        f"0–{BUNDLED_SEEDS - 1}; run it in section 3."
    )
else:
    res, where = found
    st.caption(where_text(res, where))
    st.markdown(report.learned_markdown(res))
    for fig_key, fig in report.learned_figures(res).items():
        st.plotly_chart(fig, key=f"exp_learned_{fig_key}", config={"displaylogo": False})

# ---------------------------------------------------------------- 3. every experiment

st.header("3. Every experiment", divider="gray")
NAMES = [n for n in experiments.EXPERIMENTS if n != "custom"]
c = st.columns([2, 1, 1])
# Synced with the address by hand, not bind=: a link may hold an experiment's old name.
linked = experiments.ALIASES.get(st.query_params.get("exp_name"), st.query_params.get("exp_name"))
name = c[0].selectbox(
    "Experiment", NAMES, index=NAMES.index(linked) if linked in NAMES else 0, key="exp_name"
)
if st.query_params.get("exp_name") != name:
    st.query_params["exp_name"] = name
c[0].caption(experiments.EXPERIMENTS[name].description)
preset = c[1].selectbox("Preset", ["quick", "full"], key="exp_preset", bind="query-params")
n_seeds = c[2].number_input("Seeds", 1, 10, BUNDLED_SEEDS, key="exp_seeds", bind="query-params")
seeds = list(range(int(n_seeds)))


def start_run(name: str, preset: str, seeds: list[int], key: tuple):
    """Run the experiment in the server's job pool; it stops if nobody watches it any more."""
    cfg = experiments.PRESETS[preset]
    lines: list[str] = []

    def run(ctx):
        # in a worker process; it stops at its next progress line once nobody watches
        res = ctx.call(server.experiment_remote, name, cfg, seeds, on_message=lines.append)
        res["preset"] = preset
        return res, str(store.store_result(res, cfg))

    return job_pool().submit(
        run,
        owner=session_id(),
        key=key,
        label=f"experiment {name} ({preset}, seeds {seeds})",
        cost=run_cost(preset, seeds),
        shared=lines,
    )


def run_cost(preset: str, seeds: list[int]) -> float:
    """The run's work units for the queue: training steps of two models per seed."""
    return len(seeds) * experiments.PRESETS[preset].duel.train.steps * 2


def run_minutes(preset: str, seeds: list[int]) -> float:
    """The queue's estimate of the run alone, from the pace measured on this server."""
    pool = job_pool()
    return run_cost(preset, seeds) * pool.sec_per_unit / max(pool.workers, 1) / 60


def running(view, ticket) -> None:
    with st.status(f"Running: {queue_text(view).replace('**', '')}", expanded=True):
        for line in list(ticket.shared or [])[-8:]:
            st.write(line)


def finished(result) -> None:
    res, path = result
    if not Path(path).exists():  # an identical run done earlier, its file since removed
        store.store_result(res, experiments.PRESETS[res["preset"]])
    lookup.clear()


found = lookup(name, preset, tuple(seeds))
if found is None:
    st.info(
        f"No stored result for **{name}** with the {preset} preset and seeds {seeds}. "
        f"A run takes at least {run_minutes(preset, seeds):.0f} min of this server's time "
        "(its measured pace; more for experiments that train several models per seed)."
    )
    if preset == "full" and not full_runs_allowed():
        st.caption(
            "Full-preset runs are off on this shared server: each takes the CPUs from "
            "everyone else. Run it on your own machine with `python -m specdiff_core "
            f"reproduce --experiment {name} --seeds {len(seeds)} --out runs/{name}`, or "
            "start the server with `SPECDIFF_FULL_RUNS=1`."
        )
        st.stop()
    run_key = ("experiment", name, preset, tuple(seeds))
    ticket = SLOT.ticket(run_key)
    if ticket is None and st.button("Run it now", key="exp_run", type="primary"):
        ticket = SLOT.submit(run_key, lambda: start_run(name, preset, seeds, run_key))
    if ticket is not None:
        SLOT.watch(ticket, running, done=finished, every=1.0)
    st.stop()

res, where = found
st.caption(where_text(res, where))
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
