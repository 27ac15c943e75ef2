"""textrnn_lessons.models.design_check: the learner's network against the approach, in sentences.

Each typical mistake of notebooks 03-06 is written as a learner would write it, and gets the
sentence meant for it.
"""

from __future__ import annotations

import pytest

from textrnn_lessons.models.approaches import APPROACHES, build_model, get_approach
from textrnn_lessons.models.design_check import (
    check_model,
    describe_layers,
    differences,
    expected_layers,
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
    assert "start the Sequential with keras.Input(shape=(max_tokens,)" in capsys.readouterr().out


def test_a_bad_approach_number_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="numbered with the whole numbers 1 to 5"):
        check_model(written(1), 6, VOCABULARY)
