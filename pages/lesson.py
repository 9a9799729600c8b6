"""Lesson: the story in nine steps, each with a short text, one thing to poke, and a
check-your-understanding question with feedback (the steps: specdiff_app/lesson/).

Links: ``/lesson?step=<slug or number>`` opens a step; each step's setting is in the
address too (``lesson_ring``, ``lesson_chords``, ``lesson_k``, ...). ``steps_hide=true``
and ``quiz_hide=true`` take the step picker and the questions away (specdiff_app/classroom.py
lists every flag); ``duel_steps``, ``duel_lam``, ``duel_regime`` (``oracle`` or ``rare``),
``duel_eps`` and ``duel_decoder`` (``chain`` or ``topk``) change the duel the lesson trains.
The duel is the Diffusion Duel page's (same settings, same session state): train it in
either place and both show it.
"""

from __future__ import annotations

import streamlit as st

from specdiff_app.boot import through_app
from specdiff_app.classroom import FLAGS, flag
from specdiff_app.lesson import SLUGS, STEPS, Lesson, parse_step

through_app()  # first: a deep link on a fresh server runs this page alone

ss = st.session_state


def go(i: int) -> None:
    ss["lesson_step"] = max(0, min(i, len(STEPS) - 1))
    st.query_params["step"] = SLUGS[ss["lesson_step"]]


step = parse_step(st.query_params.get("step"))
if step is not None:
    ss["lesson_step"] = step
step = ss.setdefault("lesson_step", 0)
if st.query_params.get("step") != SLUGS[step]:
    st.query_params["step"] = SLUGS[step]

if not flag("steps_hide"):
    ss["lesson_nav"] = step
    st.segmented_control(
        "Lesson step",
        range(len(STEPS)),
        format_func=lambda i: f"{i + 1} {STEPS[i].short}",
        key="lesson_nav",
        required=True,
        label_visibility="collapsed",
        on_change=lambda: go(ss["lesson_nav"]),
    )
st.header(f"{step + 1}. {STEPS[step].title}", anchor=False)
STEPS[step].show(Lesson.from_url(int(ss["seed"])))

if not flag("steps_hide"):
    st.divider()
    nav = st.columns([1, 1, 4])
    nav[0].button("← Back", key="lesson_back", disabled=step == 0, on_click=go, args=(step - 1,))
    nav[1].button(
        "Next →",
        key="lesson_next",
        disabled=step == len(STEPS) - 1,
        on_click=go,
        args=(step + 1,),
        type="primary",
    )
    nav[2].caption(f"Step {step + 1} of {len(STEPS)}")

if not (flag("steps_hide") or flag("present")):
    with st.expander("For teachers: links and flags", icon=":material/school:"):
        st.markdown(
            "Every step has its own address, with its settings: copy the address bar, or use "
            "`/lesson?step=<name>` with a name from "
            + ", ".join(f"`{s}`" for s in SLUGS)
            + ". Flags you can add to any link:\n\n"
            + "\n".join(f"- `{name}=true`: {what}" for name, what in FLAGS.items())
            + "\n\nA flag stays on for the student's session until a link sets it `=false`."
            " The duel the lesson trains can be changed with `duel_steps`, `duel_lam`, "
            "`duel_regime` (`oracle`: rare in the graph, `rare`: rare in the data, the "
            "paper's), `duel_eps` and `duel_decoder` (`chain` or `topk`)."
            "\n\nHow the class answers, predicts and what its duels find: the teacher view, "
            "`/teacher`, opened with the passcode the server was started with "
            "(`SPECDIFF_TEACHER_PASSCODE`)."
        )
