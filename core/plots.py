"""Plotly figures shared by several pages. Each ``plot_*`` returns a Figure and never shows it."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

TRAIN_COLOUR = "#1f77b4"
VALIDATION_COLOUR = "#ff7f0e"


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
        for key, label, colour in ((name, "training", TRAIN_COLOUR),
                                   (f"val_{name}", "validation", VALIDATION_COLOUR)):
            values = history.get(key, [])
            fig.add_trace(go.Scatter(
                x=list(range(1, len(values) + 1)), y=values, mode="lines+markers", name=label,
                line={"color": colour}, legendgroup=label, showlegend=col == 1,
            ), row=1, col=col)
        fig.update_xaxes(title_text="epoch", row=1, col=col,
                         range=[0.5, (total_epochs or max(len(history.get(name, [])), 1)) + 0.5])
    fig.update_layout(height=300, margin={"l": 40, "r": 10, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.3})
    return fig


def plot_prediction_vs_truth(truth: list[float], predicted: list[float], x_title: str = "step") -> go.Figure:
    """Two lines over the same steps: what should come out, and what the model said."""
    steps = list(range(1, len(truth) + 1))
    fig = go.Figure([
        go.Scatter(x=steps, y=truth, mode="lines+markers", name="truth", line={"color": TRAIN_COLOUR}),
        go.Scatter(x=steps, y=predicted, mode="lines+markers", name="model",
                   line={"color": VALIDATION_COLOUR, "dash": "dash"}),
    ])
    fig.update_layout(height=280, margin={"l": 40, "r": 10, "t": 10, "b": 40},
                      xaxis_title=x_title, legend={"orientation": "h", "y": 1.12})
    return fig


def plot_score_by_length(scores: dict[int, float], trained_length: int, score_name: str = "accuracy") -> go.Figure:
    """A score for each sequence length, with the length the model trained on marked."""
    fig = go.Figure(go.Scatter(x=list(scores), y=list(scores.values()), mode="lines+markers",
                               name=score_name, line={"color": TRAIN_COLOUR}))
    fig.add_vline(x=trained_length, line_dash="dot", annotation_text="trained on this length")
    fig.update_layout(height=280, margin={"l": 40, "r": 10, "t": 20, "b": 40}, xaxis_title="sequence length",
                      yaxis={"title": score_name, "range": [0, 1.05]})
    return fig
