"""The five approaches and their builder (models), compiling and training (training), the test
metrics (evaluation), the raw-string predictor and the plots: the path from an approach record
to a trained, evaluated model.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from textrnn_lessons.models.approaches import APPROACHES, Approach, build_model, get_approach

from .conftest import MINI


def test_five_approaches_match_the_tutorial():
    assert [(a.max_tokens, a.embed_len, a.units, a.bidirectional) for a in APPROACHES] == [
        (25, 30, (50,), False),
        (50, 30, (50,), False),
        (50, 30, (50,), True),
        (50, 30, (50, 60, 75), False),
        (50, 30, (50, 60, 75), True),
    ]
    assert [a.tutorial_accuracy for a in APPROACHES] == [86.75, 87.77, 90.42, 83.63, 90.53]
    assert all(
        a.cell == "SimpleRNN" and a.padding == "post" and not a.mask_padding for a in APPROACHES
    )


def test_parameter_counts_match_the_tutorials_summaries():
    vocab = 72_003  # the tutorial's vocabulary size (2,160,090 / 30)
    for approach in APPROACHES:
        model = build_model(approach, vocab)
        counts = [layer.count_params() for layer in model.layers]
        assert counts == [2_160_090, *approach.tutorial_layer_params], approach.label


def test_build_model_is_stock_keras(tmp_path):
    """What a learner writes by hand: keras.Sequential of Keras's own layers, no subclasses."""
    import keras

    for approach in APPROACHES:
        model = build_model(approach, 100)
        assert type(model) is keras.Sequential and model.name == f"approach_{approach.number}"
        recurrent = [getattr(layer, "forward_layer", layer) for layer in model.layers[1:-1]]
        assert [type(layer) for layer in recurrent] == [keras.layers.SimpleRNN] * len(
            approach.units
        )
        assert [layer.return_sequences for layer in recurrent] == [True] * (
            len(approach.units) - 1
        ) + [False]
        assert not any(layer.unroll for layer in recurrent)
        assert (
            all(type(layer) is keras.layers.Bidirectional for layer in model.layers[1:-1])
            == approach.bidirectional
        )
        assert type(model.layers[-1]) is keras.layers.Dense
        assert model.layers[-1].activation.__name__ == "softmax"
    assert build_model(APPROACHES[0], 100, name="mine").name == "mine"


def test_design_options_reach_the_layers():
    import keras

    design = get_approach(4).with_changes(cell="GRU", initializer="orthogonal", mask_padding=True)
    model = build_model(design, 100)
    assert model.layers[0].mask_zero
    assert [type(layer) for layer in model.layers[1:-1]] == [keras.layers.GRU] * 3
    for layer in model.layers[1:]:
        assert type(layer.kernel_initializer).__name__ == "Orthogonal"
    assert type(model.layers[1].recurrent_initializer).__name__ == "Orthogonal"
    custom = build_model(get_approach(1).with_changes(units=[7]), 100)
    assert custom.name == "approach_custom" and custom.layers[1].units == 7


def test_an_approach_describes_itself_and_compares_by_design():
    assert get_approach(5).describe() == "50 tokens, embedding 30, bidirectional SimpleRNN 50/60/75"
    variant = get_approach(2).with_changes(
        mask_padding=True, padding="pre", initializer="he_normal"
    )
    assert variant.describe() == (
        "50 tokens, embedding 30, SimpleRNN 50, he_normal init, padding masked, padding first"
    )
    assert variant.number is None and variant.tutorial_accuracy is None
    assert variant.label == f"Custom: {variant.describe()}"
    assert get_approach(2).with_changes(name="masked").label == "Custom: masked"
    assert get_approach(2).with_changes().same_design(get_approach(2))
    assert not variant.same_design(get_approach(2))
    assert get_approach(5).with_changes(units=[10, 20]).units == (10, 20)
    assert get_approach(1).with_changes(max_tokens=4).too_few_tokens
    assert not get_approach(1).with_changes(max_tokens=5).too_few_tokens


def test_invalid_designs_are_refused_with_a_sentence():
    with pytest.raises(ValueError, match="cannot be built.*units"):
        Approach(None, "bad", 50, 30, (), False)
    with pytest.raises(ValueError, match="RNN cell must be one of SimpleRNN, LSTM, GRU"):
        get_approach(2).with_changes(cell="Transformer")
    with pytest.raises(
        ValueError,
        match="max tokens must be between 1 and 500, got 0.*"
        "embedding length must be between 1 and 512, got 600",
    ):
        get_approach(2).with_changes(max_tokens=0, embed_len=600)
    with pytest.raises(ValueError, match='padding must be "post" or "pre", got \'middle\''):
        get_approach(2).with_changes(padding="middle")
    with pytest.raises(ValueError, match="initializer must be None"):
        get_approach(2).with_changes(initializer="zeros")


@pytest.mark.parametrize(
    "number, shown",
    [
        (6, "got 6."),
        (0, "got 0."),
        (1.0, "got 1.0 (a float)."),
        ("x", "got 'x' (a str)."),
        (True, "got True."),
        (None, "got None (a NoneType)."),
    ],
)
def test_a_bad_approach_number_gets_a_sentence(number, shown):
    with pytest.raises(ValueError) as refused:
        get_approach(number)
    assert str(refused.value) == (
        f"There are five approaches, numbered with the whole numbers 1 to 5; {shown}"
    )


def test_compile_model_uses_keras_3_rmsprop_and_says_which_optimizers_exist(tmp_path):
    import keras

    from textrnn_lessons.training.fitting import compile_model, make_optimizer
    from textrnn_lessons.training.keras2_optimizers import Keras2RMSprop

    model = compile_model(build_model(get_approach(1), 50))
    assert type(model.optimizer) is keras.optimizers.RMSprop  # as a learner writes "rmsprop"
    adam = compile_model(build_model(get_approach(1), 50), "Adam").optimizer
    assert type(adam) is keras.optimizers.Adam
    assert type(make_optimizer("rmsprop_keras2")) is Keras2RMSprop  # the tutorial's arithmetic
    assert float(make_optimizer("rmsprop", 0.01).learning_rate) == pytest.approx(0.01)
    with pytest.raises(
        ValueError, match="Optimizer must be one of rmsprop, adam, rmsprop_keras2, got 'sgd'"
    ):
        make_optimizer("sgd")
    model = compile_model(build_model(get_approach(1), 50), "rmsprop_keras2")
    model.train_on_batch(np.ones((2, 25), "int32"), np.array([0, 1]))
    model.save(tmp_path / "trained.keras")  # a trained model keeps its optimizer
    assert type(keras.models.load_model(tmp_path / "trained.keras").optimizer) is Keras2RMSprop


def test_training_learns_and_the_predictor_takes_raw_strings(trained_smoke, smoke_data):
    history = trained_smoke.history.history
    assert set(history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert trained_smoke.history.train_seconds > 0
    evaluation = trained_smoke.evaluation
    assert evaluation.confusion.sum() == len(smoke_data.test)
    assert math.isclose(evaluation.accuracy, np.trace(evaluation.confusion) / len(smoke_data.test))
    assert "Sci/Tech" in evaluation.report
    assert f"Test accuracy: {evaluation.accuracy:.4f}" in evaluation.summary()
    probabilities = trained_smoke.predictor(["Stocks fall as oil prices rise", ""])
    assert probabilities.shape == (2, 4)
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)
    topic, probability = trained_smoke.predictor.predict_topic("The team won the final")
    assert topic in smoke_data.class_names and 0 < probability <= 1


def test_more_training_beats_chance():
    """A real model on real text: a few epochs on 2,700 articles beat the 25 % of guessing."""
    from textrnn_lessons.data.reading import load_ag_news
    from textrnn_lessons.settings import Preset
    from textrnn_lessons.training.trainer import run_approach

    preset = Preset(
        "test", train_size=3_000, test_size=800, epochs=4, batch_size=32, lime_samples=100
    )
    result = run_approach(get_approach(1), load_ag_news(preset, MINI), log=False)
    assert result.evaluation.accuracy > 0.5


def test_plots_draw_with_pyplot_or_on_a_figure_they_are_given(trained_smoke):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from textrnn_lessons.evaluation.plots import plot_confusion_matrix, plot_history

    assert len(plot_history(trained_smoke.history).axes) == 2
    figure = plot_confusion_matrix(trained_smoke.evaluation)
    assert figure.axes[0].get_title() == "Confusion Matrix"
    plt.close("all")
    given = Figure()
    assert plot_confusion_matrix(trained_smoke.evaluation, "Approach 1", figure=given) is given
    assert plot_history(trained_smoke.history.history, figure=Figure()).axes[0].lines
    assert plt.get_fignums() == []  # the panel's thread never touches pyplot
    rows = given.axes[0].images[0].get_array()
    assert np.allclose(
        np.asarray(rows).sum(axis=1)[
            np.asarray(trained_smoke.evaluation.confusion).sum(axis=1) > 0
        ],
        1,
    )  # normalised per true topic


def test_package_exports_functions_not_modules_of_the_same_name():
    import types

    import textrnn_lessons
    from textrnn_lessons import evaluate, vectorize

    assert not isinstance(vectorize, types.ModuleType) and callable(vectorize)
    assert not isinstance(evaluate, types.ModuleType) and callable(evaluate)
    for name in textrnn_lessons.__all__:
        assert getattr(textrnn_lessons, name) is not None, name
    with pytest.raises(AttributeError, match="has no attribute 'pipeline_magic'"):
        textrnn_lessons.pipeline_magic  # noqa: B018
