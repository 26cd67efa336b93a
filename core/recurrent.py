"""The recurrent building blocks every task shares: the cell table and a stack of recurrent layers.

One module, so a page's model is built from the same pieces as its neighbours'
(a GRU on the text page is the GRU of the sales page), and "Show the code"
prints the cell table from the very dictionary the pages use.
"""

from __future__ import annotations

from typing import Any

import keras

from core.settings import knob

CELLS = {"SimpleRNN": keras.layers.SimpleRNN, "LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}


def cell_knob(default: str = "GRU", choices: tuple[str, ...] = tuple(CELLS), note: str = "") -> Any:
    """Which recurrent cell a model uses, as every page declares it."""
    return knob(default, "Recurrent cell", "SimpleRNN is the plain formula; LSTM and GRU add gates that help them "
                f"remember longer.{note}", choices=choices)


def units_knob(default: int, low: int, high: int, of: str = "each layer's hidden state", note: str = "") -> Any:
    """How many numbers a recurrent layer's memory holds."""
    return knob(default, "Hidden units", f"Size of {of}. More units can learn more but train slower and can "
                f"memorise noise.{note}", low=low, high=high)


def layers_knob(default: int = 1, high: int = 3) -> Any:
    """How many recurrent layers are stacked."""
    return knob(default, "Recurrent layers", "How many recurrent layers are stacked; each reads the sequence the "
                "one below it writes.", low=1, high=high)


def dropout_knob(default: float = 0.0) -> Any:
    """The share of a recurrent layer's inputs dropped while training."""
    return knob(default, "Dropout", "Share of each recurrent layer's inputs dropped at random while training, so "
                "the model cannot lean on any one of them. Raise it if validation loss rises while training loss "
                "falls.", low=0.0, high=0.5, step=0.05)


def recurrent_stack(inputs: keras.KerasTensor, cell: str, num_units: int, num_layers: int = 1,
                    dropout_rate: float = 0.0, return_sequences: bool = False) -> keras.KerasTensor:
    """``num_layers`` recurrent layers of ``cell``, each reading the whole sequence the one below writes.

    Every layer but the last returns its sequence (the next one needs a step
    for each step); the last returns only its final state unless
    ``return_sequences`` asks for all of them. Layers are named
    ``recurrent_1``, ``recurrent_2``, … on every page.
    """
    hidden = inputs  # (batch, steps, features)
    for layer in range(num_layers):
        last = layer == num_layers - 1
        hidden = CELLS[cell](num_units, return_sequences=return_sequences or not last, dropout=dropout_rate,
                             name=f"recurrent_{layer + 1}")(hidden)
    return hidden  # (batch, units), or (batch, steps, units) with return_sequences


def cells_line() -> str:
    """The cell table as one line of Python, for the scripts "Show the code" prints."""
    entries = ", ".join(f'"{name}": keras.layers.{layer.__name__}' for name, layer in CELLS.items())
    return f"CELLS = {{{entries}}}"
