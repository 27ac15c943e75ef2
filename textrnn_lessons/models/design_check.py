"""Compare a network you wrote with one of the tutorial's approaches, and say what differs.

Introduced in notebook 03_single_rnn_50_tokens (exercises in 02-06). It looks at what
`model.summary()` shows: the layer kinds, their output shapes and their parameter counts,
against the tutorial's own summaries. The embedding's count depends on the vocabulary, so it is
checked against vocabulary size x embedding length instead of the tutorial's 2,160,090.
`yours_or_reference` is the one line of each lesson that decides which network trains.
"""

from __future__ import annotations

from dataclasses import dataclass

from .approaches import NUM_CLASSES, RNN_CELLS, Approach, get_approach


@dataclass(frozen=True)
class LayerInfo:
    """What the summary shows of one layer."""

    kind: str
    output_shape: tuple
    params: int
    units: int | None = None
    return_sequences: bool | None = None
    activation: str | None = None


def describe_layers(model) -> list[LayerInfo]:
    """The layers of a built Keras model, as the summary lists them.

    A functional model (`keras.Model(inputs, outputs)`) lists its `keras.Input` as a layer; a
    Sequential one does not. The input holds no weights and is not part of the design, so it
    is left out: the same network written either way compares the same.
    """
    infos = []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        inner = getattr(layer, "forward_layer", None)
        rnn = inner or (layer if hasattr(layer, "cell") else None)
        kind = type(layer).__name__
        if inner is not None:
            kind = f"Bidirectional({type(inner).__name__})"
        activation = getattr(getattr(layer, "activation", None), "__name__", None)
        infos.append(
            LayerInfo(
                kind,
                tuple(layer.output.shape),
                layer.count_params(),
                getattr(rnn or layer, "units", None),
                getattr(rnn, "return_sequences", None),
                activation,
            )
        )
    return infos


def expected_layers(approach: Approach, vocab_size: int) -> list[LayerInfo]:
    """The layers the tutorial's network for `approach` has, with this vocabulary."""
    tokens, layers = approach.max_tokens, []
    layers.append(
        LayerInfo("Embedding", (None, tokens, approach.embed_len), vocab_size * approach.embed_len)
    )
    published = approach.tutorial_layer_params or (None,) * (len(approach.units) + 1)
    width = 2 if approach.bidirectional else 1
    for depth, units in enumerate(approach.units, start=1):
        sequences = depth < len(approach.units)
        shape = (None, tokens, width * units) if sequences else (None, width * units)
        kind = f"Bidirectional({approach.cell})" if approach.bidirectional else approach.cell
        layers.append(LayerInfo(kind, shape, published[depth - 1], units, sequences))
    layers.append(
        LayerInfo("Dense", (None, NUM_CLASSES), published[-1], NUM_CLASSES, activation="softmax")
    )
    return layers


def differences(model, approach: Approach | int, vocab_size: int) -> list[str]:
    """Sentences saying how `model` differs from the approach; empty when it matches."""
    approach = _design(approach)
    vocab_size = whole_number(vocab_size, "vocab_size", VOCAB_SIZE_HINT)
    if not model.built:
        return [
            "The model is not built yet, so it has no shapes to compare: start the "
            'Sequential with keras.Input(shape=(MAX_TOKENS,), dtype="int32").'
        ]
    mine, wanted = describe_layers(model), expected_layers(approach, vocab_size)
    if [m.kind for m in mine] != [w.kind for w in wanted]:
        return [
            f"Your network's layers are {', '.join(m.kind for m in mine)}; "
            f"{approach.label} has {', '.join(w.kind for w in wanted)}." + _kind_hint(mine, wanted)
        ]
    for number, (m, w) in enumerate(zip(mine, wanted), start=1):
        problems = _layer_differences(number, m, w, approach)
        if problems:  # the layers above it differ because of it: one fix at a time
            return problems
    return []


def check_model(model, approach: Approach | int, vocab_size: int):
    """Say whether `model` is the approach's network, and what to change if not (02-06)."""
    from ..teaching.exercises import not_yet, right

    design = _design(approach)
    try:
        vocab_size = whole_number(vocab_size, "vocab_size", VOCAB_SIZE_HINT)
    except ValueError as problem:
        return not_yet(str(problem))
    if model is Ellipsis or model is None:
        return not_yet(
            "replace the ... with your keras.Sequential([...]), then run the cell again."
        )
    if not hasattr(model, "layers") or not hasattr(model, "built"):
        return not_yet(f"check_model needs a Keras model; got {type(model).__name__}.")
    problems = differences(model, design, vocab_size)
    if not problems:
        published = "the tutorial's" if design.tutorial_layer_params else "the expected"
        return right(
            f"layer for layer, this is {design.label}, with {published} output shapes and "
            "parameter counts."
        )
    return not_yet("\n- " + "\n- ".join(problems))


#: What the lesson prints under the check when it trains the reference network instead.
FALLBACK = "Training the reference network so the lesson can go on; fix yours and re-run from here."


def yours_or_reference(
    my_model, approach: Approach | int, vocab_size: int, seed: int = 42, **changes
):
    """The network a lesson trains: yours when `check_model` passes it, else the reference.

    Introduced in notebook 03_single_rnn_50_tokens (and 02's last exercise). Under Run All with
    the exercise's `...` still in place the lesson goes on with the reference network, built by
    `build_model` (stock Keras) from the same seed, so the rest of the lesson still runs.
    `changes` (such as `units=100`) make a variant of the approach, as 02's exercise asks.
    """
    from .approaches import build_model

    design = _design(approach)
    if "units" in changes:
        units = changes["units"]
        units = units if isinstance(units, (tuple, list)) else (units,)
        changes["units"] = tuple(whole_number(u, "units", UNITS_HINT, largest=1024) for u in units)
    if changes:
        design = design.with_changes(**changes)
    vocab_size = whole_number(vocab_size, "vocab_size", VOCAB_SIZE_HINT)
    if check_model(my_model, design, vocab_size):
        print("Training your network.")
        return my_model
    print(FALLBACK)
    import keras

    keras.utils.set_random_seed(seed)
    return build_model(design, vocab_size, name=f"reference_{design.number or 'variant'}")


#: What a recurrent layer's units are (lesson 02's exercise 3 sets MY_UNITS).
UNITS_HINT = ("the size of the recurrent layer's state", "Write a number such as 100.")
#: What vocab_size is, and how to get it back when it was overwritten.
VOCAB_SIZE_HINT = (
    "the number of rows the Embedding needs",
    "Use vocabulary_size(vectorizer), or vectorizer.vocabulary_size(): run the cell that fits "
    "the vocabulary, then this one again.",
)


def whole_number(
    value, name: str, hint: tuple[str, str], smallest: int = 1, largest: int = 10**7
) -> int:
    """`value` as an int, or a ValueError sentence naming `name`, what it is and what to do.

    For the settings a learner passes to a check (a vocabulary size, a max-tokens), which may
    have been overwritten with text, None, NaN or an impossible number. `hint` is (what the
    value is, what to do).
    """
    import math
    import numbers

    what, advice = hint
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        got = _described(value)
    elif not isinstance(value, numbers.Integral) and not (
        math.isfinite(value) and float(value).is_integer()
    ):
        got = repr(value)
    elif not smallest <= int(value) <= largest:
        got = f"{int(value):,}" if len(str(int(value))) <= 20 else "a number too large to use"
    else:
        return int(value)
    return _refuse(
        f"{name} should be {what}, a whole number from {smallest:,} to {largest:,}; "
        f"got {got}. {advice}"
    )


def _described(value) -> str:
    """None, the text '40' (in quotes), or a type and its value, as a learner would say it."""
    if value is None or value is Ellipsis:
        return repr(value)
    if isinstance(value, str):
        return f"the text {value[:40]!r} (a number goes without quotes)"
    shown = repr(value)
    return f"{type(value).__name__} {shown if len(shown) <= 40 else shown[:37] + '...'}"


def _refuse(sentence: str):
    raise ValueError(sentence)


def _design(approach) -> Approach:
    """An approach record from a record or its number (get_approach says what is wrong)."""
    return approach if isinstance(approach, Approach) else get_approach(approach)


def _kind_hint(mine, wanted) -> str:
    from collections import Counter

    rnn = [w for w in wanted if w.units and w.kind != "Dense"]
    if len([m for m in mine if _is_recurrent(m.kind)]) == len(rnn):  # the rest differs
        mine_other = Counter(m.kind for m in mine if not _is_recurrent(m.kind))
        wanted_other = Counter(w.kind for w in wanted if not _is_recurrent(w.kind))
        extra, missing = mine_other - wanted_other, wanted_other - mine_other
        if extra:
            names = ", ".join(sorted(extra))
            return (
                f" Take out the layers the tutorial's network does not have ({names}): it is "
                "one Embedding, the recurrent layer(s), and one Dense layer, nothing else."
            )
        if missing:
            return " " + " ".join(_MISSING[kind] for kind in sorted(missing) if kind in _MISSING)
    if len(mine) != len(wanted):
        return (
            f" Count the recurrent layers: it has {len(rnn)}, each one a line in the "
            "Sequential's list."
        )
    if [_unwrapped(m.kind) for m in mine] != [_unwrapped(w.kind) for w in wanted]:
        return f" Each recurrent layer here is a layers.{_unwrapped(rnn[0].kind)}(...)."
    if any(w.kind.startswith("Bidirectional") for w in wanted):
        return " Wrap each recurrent layer in layers.Bidirectional(...)."
    return " Use plain layers.SimpleRNN(...) here, without Bidirectional."


_MISSING = {
    "Dense": 'It ends with layers.Dense(4, activation="softmax"), the four topic probabilities.',
    "Embedding": "It starts with layers.Embedding(input_dim=vocab_size, output_dim=EMBED_LEN), "
    "which turns token indexes into vectors.",
}


def _is_recurrent(kind: str) -> bool:
    return _unwrapped(kind) in RNN_CELLS or kind.startswith("Bidirectional")


def _unwrapped(kind: str) -> str:
    """'Bidirectional(LSTM)' -> 'LSTM'; any other kind as it is."""
    return kind[len("Bidirectional(") : -1] if kind.startswith("Bidirectional(") else kind


def _layer_differences(number, mine: LayerInfo, wanted: LayerInfo, approach) -> list[str]:
    where = f"Layer {number} ({mine.kind})"
    problems = []
    if mine.output_shape != wanted.output_shape:
        problems.append(
            f"{where} outputs {mine.output_shape}; it should output "
            f"{wanted.output_shape}." + _shape_hint(mine, wanted, approach)
        )
    elif wanted.params is not None and mine.params != wanted.params:
        problems.append(
            f"{where} has {mine.params:,} parameters; the tutorial's has "
            f"{wanted.params:,}." + _params_hint(mine, wanted)
        )
    if wanted.activation and mine.activation != wanted.activation:
        problems.append(
            f"{where} uses the {mine.activation} activation; the last layer needs "
            'activation="softmax" so that its four outputs are probabilities.'
        )
    return problems


def _shape_hint(mine: LayerInfo, wanted: LayerInfo, approach) -> str:
    if mine.kind == "Embedding":
        if mine.output_shape[1] != wanted.output_shape[1]:
            return (
                f" The input decides the number of steps: keras.Input(shape="
                f'({approach.max_tokens},), dtype="int32").'
            )
        return f" Its output_dim is the embedding length, {approach.embed_len}."
    if mine.return_sequences != wanted.return_sequences:
        return (
            " Only the lower layers of a stack pass on every step: give them "
            "return_sequences=True, and leave it off the last recurrent layer."
            if wanted.return_sequences
            else " The last recurrent layer hands only its final state to the Dense layer: "
            "leave return_sequences off."
        )
    if mine.units != wanted.units:
        return f" Give this layer {wanted.units} units."
    return ""


def _params_hint(mine: LayerInfo, wanted: LayerInfo) -> str:
    if mine.kind == "Embedding":
        return (
            " Its input_dim must be the vocabulary size, vocabulary_size(vectorizer), which "
            "counts the padding and [UNK] entries."
        )
    if mine.kind != "Dense" and mine.params * 2 == wanted.params:
        return " Two directions hold twice the weights: is this layer bidirectional?"
    return " Check the units of this layer and of the layer below it."
