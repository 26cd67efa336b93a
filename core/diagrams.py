"""Unrolled diagrams of recurrent networks: inputs x_t, hidden states h_t, outputs y_t.

Every arrow of one kind carries the same label (W_xh, W_hh, W_hy) on every step,
because it *is* the same matrix: that is what parameter sharing means.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import plotly.graph_objects as go

from core.palette import FIRST, FOURTH, NEUTRAL, OKABE_ITO, SECOND, THIRD, translucent

ROW_Y = {"x": 0.0, "h": 1.0, "y": 2.0}
# Each weight matrix its own colour from the shared palette, so W_xh and W_hh stay apart for red–green blindness.
COLOURS = {"W_xh": THIRD, "W_hh": SECOND, "W_hy": FIRST, "copy": NEUTRAL, "state": FOURTH,
           "feedback": OKABE_ITO["orange"]}
# Pale fills of the same colours under dark labels, on the diagram's own white ground in either theme.
NODE_COLOURS = {"x": translucent(THIRD, 0.3), "h": translucent(SECOND, 0.3), "y": translucent(FIRST, 0.3)}
NODE_TEXT = "#111111"


@dataclass(frozen=True)
class Node:
    row: str  # "x", "h" or "y"
    column: int
    label: str


@dataclass(frozen=True)
class Arrow:
    start: Node
    end: Node
    matrix: str  # a key of COLOURS
    dashed: bool = False


def _sub(name: str, t: int | str) -> str:
    return f"{name}<sub>{t}</sub>"


def unrolled_graph(pattern: str, steps: int, output_steps: int | None = None) -> tuple[list[Node], list[Arrow]]:
    """Nodes and arrows of ``pattern`` unrolled over ``steps`` (encoder) and ``output_steps``."""
    if pattern == "one_to_one":
        x, h, y = Node("x", 1, "x"), Node("h", 1, "h"), Node("y", 1, "y")
        return [x, h, y], [Arrow(x, h, "W_xh"), Arrow(h, y, "W_hy")]
    if pattern == "encoder_decoder":
        return _encoder_decoder_graph(steps, output_steps or steps + 2)
    hidden = [Node("h", t, _sub("h", t)) for t in range(1, steps + 1)]
    arrows = [Arrow(a, b, "W_hh") for a, b in pairwise(hidden)]
    if pattern == "one_to_many":
        inputs = [Node("x", 1, "x")]
        arrows += [Arrow(inputs[0], h, "copy", dashed=t > 1) for t, h in enumerate(hidden, start=1)]
    else:
        inputs = [Node("x", t, _sub("x", t)) for t in range(1, steps + 1)]
        arrows += [Arrow(x, h, "W_xh") for x, h in zip(inputs, hidden, strict=True)]
    emitting = hidden[-1:] if pattern == "many_to_one" else hidden
    outputs = [Node("y", h.column, "y" if pattern == "many_to_one" else _sub("y", h.column)) for h in emitting]
    arrows += [Arrow(h, y, "W_hy") for h, y in zip(emitting, outputs, strict=True)]
    return inputs + hidden + outputs, arrows


def _encoder_decoder_graph(in_steps: int, out_steps: int) -> tuple[list[Node], list[Arrow]]:
    """Encoder columns 1..in_steps read x; decoder columns after them write y, fed back in."""
    enc_x = [Node("x", t, _sub("x", t)) for t in range(1, in_steps + 1)]
    enc_h = [Node("h", t, _sub("h", t)) for t in range(1, in_steps + 1)]
    first = in_steps + 1
    dec_h = [Node("h", first + k, _sub("s", k + 1)) for k in range(out_steps)]
    dec_y = [Node("y", first + k, _sub("y", k + 1)) for k in range(out_steps)]
    dec_x = [Node("x", first, "go")] + [
        Node("x", first + k, _sub("y", k)) for k in range(1, out_steps)]
    arrows = [Arrow(x, h, "W_xh") for x, h in zip(enc_x, enc_h, strict=True)]
    arrows += [Arrow(a, b, "W_hh") for a, b in pairwise(enc_h)]
    arrows.append(Arrow(enc_h[-1], dec_h[0], "state"))
    arrows += [Arrow(a, b, "W_hh") for a, b in pairwise(dec_h)]
    arrows += [Arrow(x, h, "W_xh") for x, h in zip(dec_x, dec_h, strict=True)]
    arrows += [Arrow(h, y, "W_hy") for h, y in zip(dec_h, dec_y, strict=True)]
    arrows += [Arrow(y, x, "feedback", dashed=True) for y, x in zip(dec_y, dec_x[1:], strict=False)]
    return enc_x + enc_h + dec_x + dec_h + dec_y, arrows


def plot_unrolled(pattern: str, steps: int, output_steps: int | None = None) -> go.Figure:
    """The unrolled network as a Plotly figure: nodes as circles, weight matrices as arrows."""
    nodes, arrows = unrolled_graph(pattern, steps, output_steps)
    fig = go.Figure()
    for arrow in arrows:
        _add_arrow(fig, arrow)
    for row in ("x", "h", "y"):
        chosen = [n for n in nodes if n.row == row]
        fig.add_trace(go.Scatter(
            x=[n.column for n in chosen], y=[ROW_Y[row] for n in chosen], mode="markers+text",
            text=[n.label for n in chosen], textfont={"size": 14, "color": NODE_TEXT},
            marker={"size": 42, "color": NODE_COLOURS[row], "line": {"width": 1.5, "color": "#444444"}},
            hoverinfo="skip", showlegend=False))
    for name in sorted({a.matrix for a in arrows}):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=name.replace("_", " "),
                                 line={"color": COLOURS[name], "width": 3}))
    columns = max(n.column for n in nodes)
    fig.update_xaxes(visible=False, range=[0.4, columns + 0.6])
    fig.update_yaxes(visible=False, range=[-0.45, 2.45])
    fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      plot_bgcolor="white", legend={"orientation": "h", "y": -0.05})
    return fig


def _add_arrow(fig: go.Figure, arrow: Arrow) -> None:
    fig.add_annotation(
        x=arrow.end.column, y=ROW_Y[arrow.end.row], ax=arrow.start.column, ay=ROW_Y[arrow.start.row],
        xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=2, arrowwidth=2,
        arrowcolor=COLOURS[arrow.matrix], standoff=22, startstandoff=22, text="",
        opacity=0.55 if arrow.dashed else 1.0)
