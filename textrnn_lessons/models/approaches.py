"""The five approaches as data, and one builder that turns any of them into a Keras model.

Introduced in notebooks 02-06, where you write each network yourself; `build_model` is what
the CLI, the approach panel and notebook 07's experiments use, and `model_check` compares your
network with the record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

NUM_CLASSES = 4
RNN_CELLS = ("SimpleRNN", "LSTM", "GRU")
#: Weight initialisers an approach may ask for (notebook 07's experiment); None keeps Keras's defaults.
INITIALIZERS = (
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_normal",
    "orthogonal",
    "random_normal",
    "random_uniform",
)
#: Fewer tokens than this cannot hold a headline (AG News titles have 6-7 words on average):
#: such a design trains, but is marked as unable to learn anything useful.
MIN_USEFUL_TOKENS = 5


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
    #: Parameters of each layer after the embedding in the tutorial's model.summary().
    tutorial_layer_params: tuple[int, ...] | None = None
    initializer: str | None = None  # recurrent and dense weights; None: Keras's defaults
    mask_padding: bool = False  # skip padding steps (Embedding mask_zero); the tutorial did not
    padding: str = "post"  # where short articles get their zeros: "post" (the tutorial) or "pre"

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
        if self.padding not in ("post", "pre"):
            problems.append(f'padding must be "post" or "pre", got {self.padding!r}')
        if self.initializer is not None and self.initializer not in INITIALIZERS:
            problems.append(
                f"initializer must be None (Keras's defaults) or one of "
                f"{', '.join(INITIALIZERS)}, got {self.initializer!r}"
            )
        if problems:
            raise ValueError("This approach cannot be built: " + "; ".join(problems) + ".")

    @property
    def label(self) -> str:
        """Short text for tables and plot titles."""
        prefix = f"Approach {self.number}" if self.number else "Custom"
        return f"{prefix}: {self.name}"

    @property
    def too_few_tokens(self) -> bool:
        """True when the design reads too few tokens to learn anything useful."""
        return self.max_tokens < MIN_USEFUL_TOKENS

    def describe(self) -> str:
        """'50 tokens, embedding 30, bidirectional SimpleRNN 50/60/75' in a few words."""
        units = "/".join(map(str, self.units))
        kind = f"bidirectional {self.cell}" if self.bidirectional else self.cell
        init = f", {self.initializer} init" if self.initializer else ""
        mask = ", padding masked" if self.mask_padding else ""
        pre = ", padding first" if self.padding == "pre" else ""
        return (
            f"{self.max_tokens} tokens, embedding {self.embed_len}, {kind} {units}{init}{mask}{pre}"
        )

    def with_changes(self, **changes) -> Approach:
        """A custom variant of this approach (used by the experiments in notebook 07)."""
        changes.setdefault("number", None)
        changes.setdefault("tutorial_accuracy", None)
        changes.setdefault("tutorial_layer_params", None)
        changes.setdefault("name", None)
        if "units" in changes:
            changes["units"] = tuple(changes["units"])
        variant = replace(self, **{k: v for k, v in changes.items() if k != "name"})
        return replace(variant, name=changes["name"] or variant.describe())

    def same_design(self, other: Approach) -> bool:
        """True when both build the same network (names and published figures aside)."""
        fields = (
            "max_tokens",
            "embed_len",
            "units",
            "bidirectional",
            "cell",
            "initializer",
            "mask_padding",
            "padding",
        )
        return all(getattr(self, f) == getattr(other, f) for f in fields)


APPROACHES: tuple[Approach, ...] = (
    Approach(
        1,
        "Single RNN layer, 25 tokens",
        25,
        30,
        (50,),
        False,
        tutorial_accuracy=86.75,
        tutorial_layer_params=(4050, 204),
    ),
    Approach(
        2,
        "Single RNN layer, 50 tokens",
        50,
        30,
        (50,),
        False,
        tutorial_accuracy=87.77,
        tutorial_layer_params=(4050, 204),
    ),
    Approach(
        3,
        "Single bidirectional RNN layer",
        50,
        30,
        (50,),
        True,
        tutorial_accuracy=90.42,
        tutorial_layer_params=(8100, 404),
    ),
    Approach(
        4,
        "Stacked RNN layers",
        50,
        30,
        (50, 60, 75),
        False,
        tutorial_accuracy=83.63,
        tutorial_layer_params=(4050, 6660, 10200, 304),
    ),
    Approach(
        5,
        "Stacked bidirectional RNN layers",
        50,
        30,
        (50, 60, 75),
        True,
        tutorial_accuracy=90.53,
        tutorial_layer_params=(8100, 19320, 29400, 604),
    ),
)


def get_approach(number) -> Approach:
    """Approach 1-5 by its number in the tutorial."""
    if (
        isinstance(number, bool)
        or not isinstance(number, int)
        or not 1 <= number <= len(APPROACHES)
    ):
        kind = "" if isinstance(number, int) else f" (a {type(number).__name__})"
        raise ValueError(
            f"There are five approaches, numbered with the whole numbers 1 to 5; "
            f"got {number!r}{kind}."
        )
    return APPROACHES[number - 1]


def build_model(approach: Approach, vocab_size: int, name: str | None = None):
    """Embedding -> recurrent layer(s) -> softmax over the four topics, in stock Keras.

    The same model you write by hand in notebooks 02-06, built from the approach's record.
    `approach.mask_padding` makes the recurrent layers skip padding (notebook 07).
    """
    import keras
    from keras import layers

    rnn_class = getattr(layers, approach.cell)
    init = {} if approach.initializer is None else {"kernel_initializer": approach.initializer}
    rnn_init = {**init, "recurrent_initializer": approach.initializer} if init else {}
    model = keras.Sequential(name=name or f"approach_{approach.number or 'custom'}")
    model.add(keras.Input(shape=(approach.max_tokens,), dtype="int32", name="token_ids"))
    # mask_zero: index 0 is padding; masked steps leave the recurrent state as it was.
    model.add(layers.Embedding(vocab_size, approach.embed_len, mask_zero=approach.mask_padding))
    for depth, units in enumerate(approach.units, start=1):
        rnn = rnn_class(units, return_sequences=depth < len(approach.units), **rnn_init)
        model.add(layers.Bidirectional(rnn) if approach.bidirectional else rnn)
    model.add(layers.Dense(NUM_CLASSES, activation="softmax", **init))
    return model
