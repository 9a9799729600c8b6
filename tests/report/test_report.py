"""The report: plain readings say what the numbers they are given show and nothing else;
the duel's figures say how their lines are drawn."""

from __future__ import annotations

from specdiff_core.report.reading import starvation_lines


def rows(std_bridge, std_other, spec_bridge, spec_other):
    return {
        "standard": {"p_keep_bridge": std_bridge, "p_keep_other": std_other},
        "spectral": {"p_keep_bridge": spec_bridge, "p_keep_other": spec_other},
    }


def read(edge_share=0.009, std=0.1, spec=0.3, r=(3.0, 0.2), last=None) -> str:
    return "\n".join(
        starvation_lines(
            edge_share=edge_share,
            grad_share={"standard": std, "spectral": spec},
            logit_ratio={"standard": r[0], "spectral": r[1]},
            last=last or rows(0.58, 0.6, 0.97, 0.6),
        )
    )


def test_a_bridge_with_more_than_its_share_of_gradient_is_not_called_starved_of_it():
    text = read()
    assert "11.1× their share of the edges" in text  # 10% of the gradient, 0.9% of edges
    assert "not short of gradient in size" in text and "starved in the plain sense" not in text
    assert "keeps the bridge like any other edge" in text
    assert "below 1 means the weighted model already predicts its bridge well" in text


def test_a_bridge_with_less_than_its_share_is_starved_in_the_plain_sense():
    assert "starved in the plain sense" in read(std=0.005)


def test_a_standard_model_that_keeps_the_bridge_is_not_told_it_drops_it():
    text = read(last=rows(0.95, 0.6, 0.97, 0.6))
    assert "does keep the bridge more often than other edges" in text
    assert "short of *weight*" not in text


def test_the_numbers_in_the_text_are_the_ones_given():
    text = read(edge_share=0.02, std=0.04, spec=0.5, r=(1.5, 2.5), last=rows(0.3, 0.6, 0.9, 0.6))
    assert "**2.0%** of the edges" in text and "**4.0%** of the standard" in text
    assert "(2.0× their share" in text and "**50.0%** of the weighted" in text
    assert "**1.5×**" in text and "**2.5×**" in text
    assert "keeps the bridge less often than other edges" in text
    assert "at least as much error left" in text
    assert "**0.30** (other edges 0.60)" in text and "**0.90** (other edges 0.60)" in text


def test_duel_curves_say_how_their_lines_are_drawn_and_draw_no_meaningless_axes():
    from specdiff_core.report import duel_curves

    empty = duel_curves([])
    titles = [a.text for a in empty.layout.annotations]
    assert "P(keep): bridges (thick) vs other edges (thin, dotted)" in titles
    assert sum(a.text == "appears when training starts" for a in empty.layout.annotations) == 3
    assert empty.layout.xaxis.showticklabels is False and empty.layout.yaxis.showticklabels is False
    row = {"loss": 0.5, "p_keep_bridge": 0.6, "p_keep_other": 0.6, "grad_share_bridge": 0.1}
    history = [
        {"method": m, "step": s, "edge_share_bridge": 0.01, **row}
        for s in (10, 20)
        for m in ("standard", "spectral")
    ]
    fig = duel_curves(history)
    bridge_lines = [t for t in fig.data if t.xaxis == "x2" and t.line.width == 3]
    other_lines = [t for t in fig.data if t.xaxis == "x2" and t.line.width == 1]
    assert len(bridge_lines) == 2 and all(t.line.dash == "dot" for t in other_lines)


def test_the_gradient_scatter_labels_decades_not_minor_ticks():
    import numpy as np

    from specdiff_core.report import gradient_scatter

    fig = gradient_scatter(
        np.array([0.2, 1.0]), {"standard": np.array([1e-3, 1e-2])}, np.array([False, True])
    )
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.dtick == 1
    assert fig.layout.yaxis.exponentformat == "power"
