"""The five approaches as data, and one builder that turns any of them into a Keras model.

Introduced in notebooks 02-06 (one approach each).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

NUM_CLASSES = 4
RNN_CELLS = ("SimpleRNN", "LSTM", "GRU")


@dataclass(frozen=True)
class Approach:
    """One network design: how many tokens it reads and what recurrent layers it stacks."""

    number: int | None
    name: str
    max_tokens: int
    embed_len: int
    units: tuple[int, ...]
    bidirectional: bool
    cell: str = "SimpleRNN"
    tutorial_accuracy: float | None = None  # percent, from the tutorial's summary table

    def __post_init__(self):
        problems = []
        if not 1 <= self.max_tokens <= 500:
            problems.append(f"max tokens must be between 1 and 500, got {self.max_tokens}")
        if not 1 <= self.embed_len <= 512:
            problems.append(f"embedding length must be between 1 and 512, got {self.embed_len}")
        if not self.units or any(not 1 <= u <= 1024 for u in self.units):
            problems.append(f"each RNN layer needs 1 to 1024 units, got {list(self.units)}")
        if self.cell not in RNN_CELLS:
            problems.append(f"RNN cell must be one of {', '.join(RNN_CELLS)}, got {self.cell!r}")
        if problems:
            raise ValueError("This approach cannot be built: " + "; ".join(problems) + ".")

    @property
    def label(self) -> str:
        """Short text for tables and plot titles."""
        prefix = f"Approach {self.number}" if self.number else "Custom"
        return f"{prefix}: {self.name}"

    def with_changes(self, **changes) -> "Approach":
        """A custom variant of this approach (used by the experiments in notebook 07)."""
        changes.setdefault("number", None)
        changes.setdefault("tutorial_accuracy", None)
        if "units" in changes:
            changes["units"] = tuple(changes["units"])
        return replace(self, **changes)


APPROACHES: tuple[Approach, ...] = (
    Approach(1, "Single RNN layer, 25 tokens", 25, 30, (50,), False, tutorial_accuracy=86.75),
    Approach(2, "Single RNN layer, 50 tokens", 50, 30, (50,), False, tutorial_accuracy=87.77),
    Approach(3, "Single bidirectional RNN layer", 50, 30, (50,), True, tutorial_accuracy=90.42),
    Approach(4, "Stacked RNN layers", 50, 30, (50, 60, 75), False, tutorial_accuracy=83.63),
    Approach(5, "Stacked bidirectional RNN layers", 50, 30, (50, 60, 75), True,
             tutorial_accuracy=90.53),
)


def get_approach(number: int) -> Approach:
    """Approach 1-5 by its number in the tutorial."""
    if number not in range(1, len(APPROACHES) + 1):
        raise ValueError(f"There are five approaches, numbered 1 to 5; got {number!r}.")
    return APPROACHES[number - 1]


def build_model(approach: Approach, vocab_size: int, name: str | None = None):
    """Embedding -> recurrent layer(s) -> softmax over the four topics."""
    import keras

    layers = keras.layers
    rnn_class = getattr(layers, approach.cell)
    model = keras.Sequential(name=name or f"approach_{approach.number or 'custom'}")
    model.add(keras.Input(shape=(approach.max_tokens,), dtype="int32", name="token_ids"))
    model.add(layers.Embedding(vocab_size, approach.embed_len, name="embedding"))
    for depth, units in enumerate(approach.units, start=1):
        last = depth == len(approach.units)
        rnn = rnn_class(units, return_sequences=not last, name=f"{approach.cell.lower()}_{depth}")
        model.add(layers.Bidirectional(rnn, name=f"bidirectional_{depth}") if approach.bidirectional
                  else rnn)
    model.add(layers.Dense(NUM_CLASSES, activation="softmax", name="topic"))
    return model
