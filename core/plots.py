"""Plotly figures shared by several pages. Each ``plot_*`` returns a Figure and never shows it."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.palette import (
    DIVERGING,
    FIRST,
    NEUTRAL,
    SECOND,
    SEQUENTIAL,
    SERIES,
    SYMBOLS,
    SYMBOLS_3D,
    THIRD,
    series_style,
    translucent,
)


def metric_names(history: dict[str, list[float]]) -> list[str]:
    """The metrics in a Keras history, loss first, without their ``val_`` twins."""
    names = [k for k in history if not k.startswith("val_")]
    return sorted(names, key=lambda k: (k != "loss", k))


def plot_history(history: dict[str, list[float]], total_epochs: int | None = None) -> go.Figure:
    """Training and validation curves, one panel per metric, x axis fixed to ``total_epochs``.

    Fixing the x axis while training runs keeps the chart from rescaling every
    epoch, so the user watches the curve grow toward a known end.
    """
    names = metric_names(history) or ["loss"]
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=[n.replace("_", " ") for n in names])
    for col, name in enumerate(names, start=1):
        for index, (key, label) in enumerate(((name, "training"), (f"val_{name}", "validation"))):
            values = history.get(key, [])
            fig.add_trace(go.Scatter(
                x=list(range(1, len(values) + 1)), y=values, mode="lines+markers", name=label,
                **series_style(index), legendgroup=label, showlegend=col == 1,
            ), row=1, col=col)
        fig.update_xaxes(title_text="epoch", row=1, col=col,
                         range=[0.5, (total_epochs or max(len(history.get(name, [])), 1)) + 0.5])
    fig.update_layout(height=300, margin={"l": 40, "r": 10, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.3})
    return fig


def plot_runs_overlay(histories: dict[str, dict[str, list[float]]]) -> go.Figure:
    """Two or more runs' curves on shared axes: one colour and marker per run, validation solid, training dotted.

    Only the metrics every run recorded get a panel, so runs of different
    tasks on one page never produce an empty panel.
    """
    shared = [n for n in metric_names(next(iter(histories.values()))) if all(n in h for h in histories.values())]
    names = shared or ["loss"]
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=[n.replace("_", " ") for n in names])
    for index, (run, history) in enumerate(histories.items()):
        style = series_style(index)
        for col, name in enumerate(names, start=1):
            for key, dash, part in ((f"val_{name}", "solid", "validation"), (name, "dot", "training")):
                values = history.get(key, [])
                fig.add_trace(go.Scatter(
                    x=list(range(1, len(values) + 1)), y=values, mode="lines+markers", name=f"{run} · {part}",
                    line={**style["line"], "dash": dash}, marker=style["marker"], legendgroup=f"{run}{part}",
                    showlegend=col == 1,
                ), row=1, col=col)
            fig.update_xaxes(title_text="epoch", row=1, col=col)
    fig.update_layout(height=320, margin={"l": 40, "r": 10, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.3})
    return fig


def plot_prediction_vs_truth(truth: list[float], predicted: list[float], x_title: str = "step") -> go.Figure:
    """Two lines over the same steps: what should come out, and what the model said."""
    steps = list(range(1, len(truth) + 1))
    fig = go.Figure([
        go.Scatter(x=steps, y=truth, mode="lines+markers", name="truth", **series_style(0)),
        go.Scatter(x=steps, y=predicted, mode="lines+markers", name="model", **series_style(1)),
    ])
    fig.update_layout(height=280, margin={"l": 40, "r": 10, "t": 10, "b": 40},
                      xaxis_title=x_title, legend={"orientation": "h", "y": 1.12})
    return fig


def plot_score_by_length(series: dict[str, dict[int, float]], marked_length: int | None = None,
                         score_name: str = "accuracy", length_name: str = "sequence length") -> go.Figure:
    """A score against sequence length, one line per series (e.g. per cell).

    Each series has its own dash and marker as well as its colour, so two
    series with the same scores (two cells both at 100 %) stay visible, one
    drawn over the other.
    """
    fig = go.Figure()
    for i, (name, scores) in enumerate(series.items()):
        style = series_style(i, width=3 if i == 0 else 2)
        fig.add_trace(go.Scatter(x=list(scores), y=list(scores.values()), mode="lines+markers", name=name,
                                 line=style["line"], marker={**style["marker"], "size": 11 - 2 * (i % 3)}))
    if marked_length is not None:
        fig.add_vline(x=marked_length, line_dash="dot", annotation_text="trained on this length")
    fig.update_layout(height=300, margin={"l": 40, "r": 10, "t": 20, "b": 40}, xaxis_title=length_name,
                      yaxis={"title": score_name, "range": [0, 1.05]}, legend={"orientation": "h", "y": 1.12})
    return fig


def plot_heatmap(values: list[list[float]], x_labels: list[str], y_labels: list[str],
                 zmid: float | None = 0.0, highlight_column: int | None = None) -> go.Figure:
    """A grid of numbers as colours (rows: units, columns: time steps), optionally one column outlined.

    Values either side of ``zmid`` get the diverging scale; with no middle
    (``zmid=None``: weights, counts, gate openings) the sequential one.
    """
    colorscale = SEQUENTIAL if zmid is None else DIVERGING
    fig = go.Figure(go.Heatmap(z=values, x=x_labels, y=y_labels, colorscale=colorscale, zmid=zmid,
                               hovertemplate="%{y}, %{x}: %{z:.3f}<extra></extra>"))
    if highlight_column is not None:
        fig.add_vrect(x0=highlight_column - 0.5, x1=highlight_column + 0.5, line_width=3,
                      line_color="black", fillcolor="rgba(0,0,0,0)")
    fig.update_layout(height=120 + 22 * len(y_labels), margin={"l": 40, "r": 10, "t": 10, "b": 40},
                      yaxis={"autorange": "reversed"})
    return fig


def plot_bars(names: list[str], values: list[float], value_title: str = "probability") -> go.Figure:
    """One bar per name: a probability distribution, or any small set of values."""
    fig = go.Figure(go.Bar(x=names, y=values, marker_color=FIRST))
    fig.update_layout(height=260, margin={"l": 40, "r": 10, "t": 10, "b": 40}, yaxis_title=value_title)
    return fig


def plot_gradient_norms(full: list[float], chosen: list[float], chosen_name: str | None = None) -> go.Figure:
    """‖∂L/∂h_t‖ against step t on a log scale: full BPTT, and the clipped/truncated variant if any."""
    steps = list(range(1, len(full) + 1))
    fig = go.Figure(go.Scatter(x=steps, y=full, mode="lines", name="full backpropagation", **series_style(0)))
    if chosen_name is not None:
        fig.add_trace(go.Scatter(x=steps, y=chosen, mode="lines", name=chosen_name, **series_style(1)))
    fig.update_layout(height=320, margin={"l": 50, "r": 10, "t": 20, "b": 40}, xaxis_title="step t",
                      yaxis={"title": "gradient norm ‖∂L/∂h_t‖", "type": "log", "exponentformat": "power"},
                      legend={"orientation": "h", "y": 1.12})
    return fig


def plot_window(values: pd.Series, window: int, horizon: int) -> go.Figure:
    """The start of the series with one input window and the horizon it predicts shaded.

    The window's label sits at the top and the horizon's at the bottom: side by side they overlapped on a
    phone-wide chart (390 px), where the window is narrower than its label.
    """
    shown = values.iloc[: min(len(values), 3 * (window + horizon))]
    fig = go.Figure(go.Scatter(x=shown.index, y=shown.to_numpy(), mode="lines+markers", name="series",
                               line={"color": NEUTRAL}, marker={"size": 4, "color": NEUTRAL}))
    if len(shown) > window + horizon:
        start, split, end = shown.index[0], shown.index[window - 1], shown.index[window + horizon - 1]
        fig.add_vrect(x0=start, x1=split, fillcolor=FIRST, opacity=0.15, line_width=0,
                      annotation_text=f"window: {window} points in", annotation_position="top left")
        fig.add_vrect(x0=split, x1=end, fillcolor=SECOND, opacity=0.25, line_width=0,
                      annotation_text=f"horizon: {horizon} out", annotation_position="bottom left")
    fig.update_layout(height=260, margin={"l": 40, "r": 10, "t": 30, "b": 30}, showlegend=False)
    return fig


def plot_forecasts(values: pd.Series, tests: pd.DataFrame, future: pd.DataFrame,
                   model_name: str, baseline_name: str, test_start: object) -> go.Figure:
    """History, test-period forecasts of the model and the best baseline, and the forecast ahead with its band."""
    fig = go.Figure([
        go.Scatter(x=values.index, y=values.to_numpy(), mode="lines", name="actual", line={"color": NEUTRAL}),
        go.Scatter(x=tests["date"], y=tests[baseline_name], mode="lines", name=baseline_name,
                   line={"color": THIRD, "dash": "dot"}),
        go.Scatter(x=tests["date"], y=tests[model_name], mode="lines", name=model_name, line={"color": SECOND}),
        go.Scatter(x=list(future["date"]) + list(future["date"][::-1]),
                   y=list(future["upper"]) + list(future["lower"][::-1]), fill="toself", mode="lines",
                   line={"width": 0}, fillcolor=translucent(SECOND, 0.2), name="likely range (10–90 %)"),
        go.Scatter(x=future["date"], y=future["value"], mode="lines+markers", name="forecast ahead",
                   line={"color": SECOND, "width": 3}, marker={"color": SECOND}),
    ])
    fig.add_vline(x=test_start, line_dash="dash", line_color=NEUTRAL)
    fig.update_layout(height=420, margin={"l": 40, "r": 10, "t": 30, "b": 30}, legend={"orientation": "h", "y": 1.1},
                      xaxis={"rangeslider": {"visible": True}, "range": [tests["date"].min() - (
                          tests["date"].max() - tests["date"].min()), future["date"].max()]})
    return fig


def plot_residuals(tests: pd.DataFrame, model_name: str) -> go.Figure:
    """Actual minus forecast over the test period: bars above zero mean the model forecast too low."""
    fig = go.Figure(go.Bar(x=tests["date"], y=tests["actual"] - tests[model_name], marker_color=FIRST))
    fig.update_layout(height=240, margin={"l": 40, "r": 10, "t": 10, "b": 30}, yaxis_title="actual − forecast")
    return fig


def plot_backtest(values: pd.Series, points: pd.DataFrame, model_name: str, baseline_name: str) -> go.Figure:
    """The end of the series with each backtest fold's forecast drawn over the truth it was scored on."""
    shown = values.loc[values.index >= points["date"].min() - 2 * (points["date"].max() - points["date"].min())]
    fig = go.Figure(go.Scatter(x=shown.index, y=shown.to_numpy(), mode="lines", name="actual", line={"color": NEUTRAL}))
    for fold, rows in points.groupby("fold"):
        fig.add_trace(go.Scatter(x=rows["date"], y=rows[model_name], mode="lines+markers", name=f"fold {fold}",
                                 legendgroup="model", line={"color": SECOND}, marker={"color": SECOND},
                                 showlegend=fold == 1))
        fig.add_trace(go.Scatter(x=rows["date"], y=rows[baseline_name], mode="lines", name=baseline_name,
                                 line={"color": THIRD, "dash": "dot"}, showlegend=fold == 1))
        fig.add_vrect(x0=rows["date"].min(), x1=rows["date"].max(), fillcolor=SECOND, opacity=0.08,
                      line_width=0)
    fig.data[1].name = model_name
    fig.update_layout(height=320, margin={"l": 40, "r": 10, "t": 20, "b": 30}, legend={"orientation": "h", "y": 1.12})
    return fig


def plot_embedding(points: pd.DataFrame, highlight: str | None = None) -> go.Figure:
    """Tokens as points in 2D (columns x, y) or 3D (x, y, z), one colour and marker per group, named on hover;
    labelled where the optional boolean column ``labelled`` says (all when it is absent).

    Words the model uses alike end up near each other; the colours let the eye
    check that without reading every label.
    """
    three_d = "z" in points.columns
    traces = []
    for index, (group, part) in enumerate(points.groupby("group", sort=True)):
        coordinates = {"x": part["x"], "y": part["y"]} | ({"z": part["z"]} if three_d else {})
        sizes = [14 if token == highlight else 7 for token in part["token"]]
        labels = part["token"].where(part["labelled"], "") if "labelled" in part else part["token"]
        marker = {"size": sizes, "color": SERIES[index % len(SERIES)], "symbol": _symbol(index, three_d)}
        style = {"mode": "markers+text", "text": labels, "hovertext": part["token"], "name": str(group),
                 "textposition": "top center", "marker": marker,
                 "hovertemplate": "%{hovertext}<extra>" + str(group) + "</extra>"}
        traces.append(go.Scatter3d(**coordinates, **style) if three_d else go.Scatter(**coordinates, **style))
    fig = go.Figure(traces)
    fig.update_layout(height=560, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      legend={"orientation": "h", "y": 1.05, "title": "group"})
    return fig


def _symbol(index: int, three_d: bool) -> str:
    """The ``index``-th group's marker shape: with its colour (``SERIES[index % 4]``), no pair repeats before
    sixteen groups, and the first four differ in both shape and colour."""
    shapes = SYMBOLS_3D if three_d else SYMBOLS
    return shapes[(index + index // len(SERIES)) % len(shapes)]


def plot_probabilities_over_time(probabilities: list[list[float]], class_names: list[str]) -> go.Figure:
    """One line per class: the model's probability for it after each frame (rows: frames)."""
    frames = list(range(1, len(probabilities) + 1))
    fig = go.Figure([go.Scatter(x=frames, y=[row[i] for row in probabilities], mode="lines+markers", name=name,
                                **series_style(i)) for i, name in enumerate(class_names)])
    fig.update_layout(height=300, margin={"l": 40, "r": 10, "t": 20, "b": 40}, xaxis_title="frames seen",
                      yaxis={"title": "probability", "range": [0, 1.02]}, legend={"orientation": "h", "y": 1.15})
    return fig
