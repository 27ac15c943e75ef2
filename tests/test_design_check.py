"""textrnn_lessons.models.design_check: the learner's network against the approach, in sentences.

Each typical mistake of notebooks 03-06 is written as a learner would write it, and gets the
sentence meant for it.
"""

from __future__ import annotations

import pytest

from textrnn_lessons.models.approaches import APPROACHES, build_model, get_approach
from textrnn_lessons.models.design_check import (
    FALLBACK,
    check_model,
    describe_layers,
    differences,
    expected_layers,
    yours_or_reference,
)

VOCABULARY = 120


def written(
    approach_number: int,
    *,
    tokens=None,
    embed=None,
    vocabulary=VOCABULARY,
    units=None,
    bidirectional=None,
    sequences=None,
    activation="softmax",
    cell="SimpleRNN",
):
    """The approach written by hand with keras.Sequential, with the given mistakes."""
    import keras
    from keras import layers

    approach = get_approach(approach_number)
    units = approach.units if units is None else units
    bidirectional = approach.bidirectional if bidirectional is None else bidirectional
    sequences = [d < len(units) - 1 for d in range(len(units))] if sequences is None else sequences
    stack = [
        keras.Input(shape=(tokens or approach.max_tokens,), dtype="int32"),
        layers.Embedding(input_dim=vocabulary, output_dim=embed or approach.embed_len),
    ]
    for size, more in zip(units, sequences):
        rnn = getattr(layers, cell)(size, return_sequences=more)
        stack.append(layers.Bidirectional(rnn) if bidirectional else rnn)
    stack.append(layers.Dense(4, activation=activation))
    return keras.Sequential(stack)


@pytest.mark.parametrize("approach", APPROACHES, ids=lambda a: f"approach {a.number}")
def test_every_approach_built_or_written_passes(approach, capsys):
    for model in (build_model(approach, VOCABULARY), written(approach.number)):
        assert differences(model, approach, VOCABULARY) == []
        assert check_model(model, approach.number, VOCABULARY)
    assert capsys.readouterr().out.startswith(f"Right: layer for layer, this is {approach.label}")


def test_the_expected_layers_are_the_tutorials_summary():
    layers = expected_layers(get_approach(5), 72_003)
    assert [layer.kind for layer in layers] == ["Embedding"] + ["Bidirectional(SimpleRNN)"] * 3 + [
        "Dense"
    ]
    assert [layer.params for layer in layers] == [2_160_090, 8_100, 19_320, 29_400, 604]
    assert [layer.output_shape for layer in layers] == [
        (None, 50, 30),
        (None, 50, 100),
        (None, 50, 120),
        (None, 150),
        (None, 4),
    ]
    mine = describe_layers(build_model(get_approach(5), 72_003))
    assert [(m.kind, m.output_shape, m.params) for m in mine] == [
        (e.kind, e.output_shape, e.params) for e in layers
    ]


# approach, mistakes, what the one sentence (or the first of two) must say
MISTAKES = {
    "no Bidirectional": (
        3,
        dict(bidirectional=False),
        "Wrap each recurrent layer in layers.Bidirectional(...).",
    ),
    "Bidirectional where none is": (
        2,
        dict(bidirectional=True),
        "Use plain layers.SimpleRNN(...) here, without Bidirectional.",
    ),
    "LSTM for SimpleRNN": (
        1,
        dict(cell="LSTM"),
        "Each recurrent layer here is a layers.SimpleRNN(...).",
    ),
    "bidirectional GRU for SimpleRNN": (
        3,
        dict(cell="GRU"),
        "Each recurrent layer here is a layers.SimpleRNN(...).",
    ),
    "a layer missing": (
        4,
        dict(units=(50, 75)),
        "Count the recurrent layers: it has 3, each one a line",
    ),
    "return_sequences on the last layer": (
        4,
        dict(sequences=[True, True, True]),
        "leave return_sequences off.",
    ),
    "wrong units": (
        1,
        dict(units=(64,)),
        "Layer 2 (SimpleRNN) outputs (None, 64); it should "
        "output (None, 50). Give this layer 50 units.",
    ),
    "wrong units high in a stack": (
        5,
        dict(units=(50, 60, 70)),
        "Layer 4 (Bidirectional(SimpleRNN)) outputs (None, 140); it "
        "should output (None, 150). Give this layer 75 units.",
    ),
    "wrong max tokens in keras.Input": (
        1,
        dict(tokens=50),
        "Layer 1 (Embedding) outputs "
        "(None, 50, 30); it should output (None, 25, 30). The "
        "input decides the number of steps: keras.Input(shape="
        '(25,), dtype="int32").',
    ),
    "wrong embedding length": (2, dict(embed=32), "Its output_dim is the embedding length, 30."),
    "input_dim not the vocabulary size": (
        2,
        dict(vocabulary=VOCABULARY - 2),
        "Its input_dim must be the vocabulary size, vocabulary_size(vectorizer)",
    ),
    "no softmax": (
        1,
        dict(activation=None),
        'Layer 3 (Dense) uses the linear activation; the last layer needs activation="softmax"',
    ),
    "relu instead of softmax": (3, dict(activation="relu"), "uses the relu activation"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_typical_mistake_gets_its_sentence(mistake, capsys):
    number, mistakes, sentence = MISTAKES[mistake]
    problems = differences(written(number, **mistakes), number, VOCABULARY)
    assert problems and sentence in problems[0], problems
    assert not check_model(written(number, **mistakes), get_approach(number), VOCABULARY)
    said = capsys.readouterr().out
    assert said.startswith("Not yet:") and sentence in said


def test_each_mistake_gets_only_its_own_sentence():
    """One mistake, one sentence: the layers above the first difference differ because of
    it (a wrong shape, or a wrong count below), so they are not listed too."""
    for mistake, (number, mistakes, _) in MISTAKES.items():
        assert len(differences(written(number, **mistakes), number, VOCABULARY)) == 1, mistake


def test_a_lower_layer_without_return_sequences_is_refused_by_keras_itself():
    """This mistake never reaches check_model: Keras will not stack a recurrent layer on one
    that hands on only its last state."""
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        written(4, sequences=[False, True, False])


def test_answers_that_are_not_a_built_network_get_a_reminder(capsys):
    import keras
    from keras import layers

    assert not check_model(..., 2, VOCABULARY)
    assert "replace the ... with your keras.Sequential([...])" in capsys.readouterr().out
    assert not check_model(None, 2, VOCABULARY)
    assert "replace the ..." in capsys.readouterr().out
    assert not check_model(42, 2, VOCABULARY)
    assert "check_model needs a Keras model; got int." in capsys.readouterr().out
    unbuilt = keras.Sequential(
        [
            layers.Embedding(VOCABULARY, 30),
            layers.SimpleRNN(50),
            layers.Dense(4, activation="softmax"),
        ]
    )
    assert not check_model(unbuilt, 2, VOCABULARY)
    # the lessons' own variable name, which a learner can paste as it stands
    assert "start the Sequential with keras.Input(shape=(MAX_TOKENS,)" in capsys.readouterr().out


def test_a_bad_approach_number_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="numbered with the whole numbers 1 to 5"):
        check_model(written(1), 6, VOCABULARY)


def functional(approach_number: int, extra=()):
    """The approach written with the functional API, keras.Model(inputs, outputs)."""
    import keras
    from keras import layers

    approach = get_approach(approach_number)
    inputs = keras.Input(shape=(approach.max_tokens,), dtype="int32")
    x = layers.Embedding(VOCABULARY, approach.embed_len)(inputs)
    for depth, units in enumerate(approach.units, start=1):
        rnn = layers.SimpleRNN(units, return_sequences=depth < len(approach.units))
        x = (layers.Bidirectional(rnn) if approach.bidirectional else rnn)(x)
    for layer in extra:
        x = layer(x)
    return keras.Model(inputs, layers.Dense(4, activation="softmax")(x))


@pytest.mark.parametrize("approach", APPROACHES, ids=lambda a: f"approach {a.number}")
def test_the_functional_api_copy_passes(approach):
    """keras.Model(inputs, outputs) lists its Input as a layer; it is the same network."""
    assert differences(functional(approach.number), approach, VOCABULARY) == []


def test_an_extra_layer_is_named_not_counted_as_a_recurrent_layer():
    from keras import layers

    problems = differences(functional(1, extra=[layers.Dropout(0.2)]), 1, VOCABULARY)
    assert len(problems) == 1 and "Take out the layers" in problems[0], problems
    assert "(Dropout)" in problems[0] and "Count the recurrent layers" not in problems[0]
    problems = differences(functional(1, extra=[layers.Dense(16)]), 1, VOCABULARY)
    assert "Take out the layers the tutorial's network does not have (Dense)" in problems[0]


def test_a_missing_dense_or_embedding_is_named():
    import keras
    from keras import layers

    no_dense = keras.Sequential(
        [
            keras.Input(shape=(25,), dtype="int32"),
            layers.Embedding(VOCABULARY, 30),
            layers.SimpleRNN(50),
        ]
    )
    assert (
        'It ends with layers.Dense(4, activation="softmax")'
        in differences(no_dense, 1, VOCABULARY)[0]
    )
    no_embedding = keras.Sequential(
        [keras.Input(shape=(25, 30)), layers.SimpleRNN(50), layers.Dense(4, activation="softmax")]
    )
    assert "It starts with layers.Embedding(" in differences(no_embedding, 1, VOCABULARY)[0]


def test_yours_or_reference_trains_yours_when_it_passes(capsys):
    mine = written(3)
    assert yours_or_reference(mine, approach=3, vocab_size=VOCABULARY) is mine
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith("Right: layer for layer") and said[-1] == "Training your network."


@pytest.mark.parametrize(
    "answer", [..., None, "model", "wrong"], ids=["...", "None", "text", "LSTM"]
)
def test_yours_or_reference_falls_back_to_the_reference_with_a_sentence(answer, capsys):
    mine = written(2, cell="LSTM") if answer == "wrong" else answer
    model = yours_or_reference(mine, approach=2, vocab_size=VOCABULARY)
    said = capsys.readouterr().out
    assert said.startswith("Not yet:") and said.rstrip().endswith(FALLBACK)
    assert model is not mine and differences(model, 2, VOCABULARY) == []
    assert "Training your network." not in said


def test_the_reference_starts_from_the_same_weights_as_a_seeded_learner():
    """Seeded alike, the learner's correct network and the fallback start identical: a rerun
    with the reference is the run the learner would have had."""
    import keras
    import numpy as np

    keras.utils.set_random_seed(42)
    mine = written(1)
    reference = yours_or_reference(..., approach=1, vocab_size=VOCABULARY, seed=42)
    for a, b in zip(mine.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_yours_or_reference_checks_a_variant(capsys):
    """02's last exercise: approach 1 with another number of units."""
    mine = written(1, units=(100,))
    assert yours_or_reference(mine, approach=1, vocab_size=VOCABULARY, units=100) is mine
    assert "Training your network." in capsys.readouterr().out
    model = yours_or_reference(written(1), approach=1, vocab_size=VOCABULARY, units=10)
    said = capsys.readouterr().out
    assert "Give this layer 10 units." in said and FALLBACK in said
    assert model.layers[1].units == 10
