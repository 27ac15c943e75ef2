"""The five approaches as data, and one builder that turns any of them into a Keras model.

Introduced in notebooks 02-06 (one approach each).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .config import usable_cpus

NUM_CLASSES = 4
RNN_CELLS = ("SimpleRNN", "LSTM", "GRU")
#: Sequences this short are unrolled: faster to train on a CPU (benchmarks/pipeline_speed.py).
UNROLL_MAX_TOKENS = 100
#: Most slices of a batch a one-directional layer steps through side by side, one per core.
RNN_CHAINS = 2
#: Training steps from which those chains repay their bigger graph (benchmarks/README.md:
#: approach 4 at batch 256 builds its first step 0.9 s slower, then saves 4.9 ms a step).
CHAINS_MIN_STEPS = 200
#: Weight initialisers an approach may ask for (notebook 07's experiment); None keeps Keras's defaults.
INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_normal",
                "orthogonal", "random_normal", "random_uniform")


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
    initializer: str | None = None  # recurrent and dense weights; None: Keras's defaults
    mask_padding: bool = False  # skip padding steps (Embedding mask_zero); the tutorial did not

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
        if self.initializer is not None and self.initializer not in INITIALIZERS:
            problems.append(f"initializer must be None (Keras's defaults) or one of "
                            f"{', '.join(INITIALIZERS)}, got {self.initializer!r}")
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


def build_model(approach: Approach, vocab_size: int, name: str | None = None, *,
                unroll: bool | None = None, project_once: bool = True, chains: int | None = None):
    """Embedding -> recurrent layer(s) -> softmax over the four topics.

    Speed options, measured in benchmarks/README.md: `unroll` (default: on for sequences of
    at most UNROLL_MAX_TOKENS) writes the time steps out as plain graph operations instead of
    a loop; `project_once` uses textrnn_lessons.rnn.SimpleRNN, which applies the input
    weights to a whole sequence at once (same weights and numbers as Keras's layer), and steps
    through `chains` slices of the batch side by side (default None: `train` decides, see
    `pick_chains`).
    `approach.mask_padding` makes the recurrent layers skip padding (slower, see notebook 07).
    """
    import keras

    layers = keras.layers
    rnn_class = getattr(layers, approach.cell)
    unroll = approach.max_tokens <= UNROLL_MAX_TOKENS if unroll is None else bool(unroll)
    init = {} if approach.initializer is None else {"kernel_initializer": approach.initializer}
    rnn_init = {**init, "recurrent_initializer": approach.initializer} if init else {}
    if project_once and unroll and approach.cell == "SimpleRNN":
        from .rnn import SimpleRNN as rnn_class

        rnn_init["chains"] = chains
    model = keras.Sequential(name=name or f"approach_{approach.number or 'custom'}")
    model.add(keras.Input(shape=(approach.max_tokens,), dtype="int32", name="token_ids"))
    # mask_zero: index 0 is padding; masked steps leave the recurrent state as it was.
    model.add(layers.Embedding(vocab_size, approach.embed_len, name="embedding",
                               mask_zero=approach.mask_padding))
    for depth, units in enumerate(approach.units, start=1):
        last = depth == len(approach.units)
        rnn = rnn_class(units, return_sequences=not last, name=f"{approach.cell.lower()}_{depth}",
                        unroll=unroll, **rnn_init)
        model.add(layers.Bidirectional(rnn, name=f"bidirectional_{depth}") if approach.bidirectional
                  else rnn)
    model.add(layers.Dense(NUM_CLASSES, activation="softmax", name="topic", **init))
    return model


def pick_chains(model, steps: int) -> None:
    """Before training: one chain of steps per core for each one-directional recurrent layer
    left to choose (chains=None), if the run is long enough to repay the bigger graph.

    A bidirectional layer keeps one chain per direction: its two directions already keep two
    cores busy. Called by `train`.
    """
    from .rnn import SimpleRNN

    chains = min(RNN_CHAINS, usable_cpus()) if steps >= CHAINS_MIN_STEPS else 1
    for layer in model.layers:
        if isinstance(layer, SimpleRNN) and layer.chains is None:
            layer.chains = chains
