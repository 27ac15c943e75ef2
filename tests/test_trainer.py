"""textrnn_lessons.training.trainer: one approach end to end for the CLI, the panel and notebook 07.

Real runs on the smoke preset of the mini split: data and vectorizers loaded once per
workbench, complete epochs counted when a run is stopped part-way, what is logged and what not.
"""

from __future__ import annotations

import logging
import threading

import numpy as np
import pytest

from textrnn_lessons import speed
from textrnn_lessons.data import reading as data_module
from textrnn_lessons.data import vectorizer as vectorizer_module
from textrnn_lessons.models.approaches import get_approach
from textrnn_lessons.results.log import read_runs
from textrnn_lessons.training.trainer import Trainer, quiet_retracing, run_approach

from .conftest import MINI

#: Approach 1 reading 3 tokens: quick to train, and too short to learn anything.
DEGENERATE = get_approach(1).with_changes(max_tokens=3, units=[8])


@pytest.fixture(scope="module")
def bench():
    return Trainer(MINI)


@pytest.fixture(scope="module")
def first_run(bench):
    return bench.run(get_approach(1), bench.data("smoke"))


class Calls:
    """Counts calls to a function while passing them on."""

    def __init__(self, function):
        self.function, self.count = function, 0

    def __call__(self, *args, **kwargs):
        self.count += 1
        return self.function(*args, **kwargs)


def stop_at(epoch: int, batch: int):
    """A callback that presses Stop after `batch` (from 0) of `epoch` (from 0)."""
    import keras

    class Stop(keras.callbacks.Callback):
        def on_epoch_begin(self, number, logs=None):
            self.epoch = number

        def on_train_batch_end(self, number, logs=None):
            if (self.epoch, number) == (epoch, batch):
                self.model.stop_training = True

    return Stop()


def test_a_run_trains_evaluates_and_is_logged_once_asked(bench, first_run, private_results_log):
    data = bench.data("smoke")
    result = first_run
    # A stock model with a stock optimizer, whichever way it trained: it saves and loads
    # without this package (tests/test_speed.py loads one in a fresh Python).
    assert type(result.model).__name__ == "Sequential"
    assert type(result.model.optimizer).__name__ == "RMSprop"
    assert result.history.speed_runtime == speed.is_enabled()
    assert set(result.history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert result.history.train_seconds > 0
    assert result.evaluation.confusion.sum() == len(data.test) == 400
    record = result.record
    assert (record["approach"], record["preset"], record["epochs"], record["batch_size"]) == (
        1,
        "smoke",
        1,
        128,
    )
    assert (
        record["optimizer"],
        record["optimizer_arithmetic"],
        record["speed_runtime"],
        record["seed"],
        record["stopped_early"],
        record["too_few_tokens"],
    ) == ("rmsprop", "Keras 3's RMSprop", speed.is_enabled(), 42, False, False)
    assert record["test_accuracy"] == pytest.approx(result.evaluation.accuracy, abs=1e-6)
    probabilities = result.predictor(["Stocks fall as oil prices rise"])
    assert probabilities.shape == (1, 4) and np.isclose(probabilities.sum(), 1, atol=1e-4)
    assert not private_results_log.exists()  # run() does not log
    assert bench.log(result) == private_results_log
    assert read_runs(private_results_log) == [record]


def test_a_second_run_reuses_the_data_and_the_vectorizer(bench, first_run, monkeypatch):
    loads = Calls(data_module.load_ag_news)
    builds = Calls(vectorizer_module.build_vectorizer)
    monkeypatch.setattr(data_module, "load_ag_news", loads)
    monkeypatch.setattr(vectorizer_module, "build_vectorizer", builds)
    data = bench.data("smoke")
    result = bench.run(get_approach(2), data, test=False)  # 50 tokens: the same vectorizer
    assert (loads.count, builds.count) == (0, 0)
    assert bench.vectorizer(data, 25) is bench.vectorizer(data, 50)
    # test=False: trained and validated; the test set untouched, nothing to log.
    assert result.evaluation is None and result.predictor is None and result.record == {}
    assert len(result.history.history["val_accuracy"]) == 1
    assert bench.log(result) is None
    longer = bench.vectorizer(data, 60)
    assert builds.count == 1 and longer.get_config()["output_sequence_length"] == 60
    assert bench.vectorizer(data, 60) is longer and builds.count == 1
    assert bench.data("smoke") is data and loads.count == 0


@pytest.mark.parametrize("fast", [True, False], ids=["speed runtime", "stock Keras"])
def test_a_run_stopped_part_way_counts_complete_epochs_and_is_not_logged(fast, private_results_log):
    bench = Trainer(MINI, speed=fast)
    data = bench.data("smoke")  # 720 training articles: 6 batches of 128
    result = bench.run(DEGENERATE, data, epochs=3, callbacks=[stop_at(epoch=1, batch=2)])
    assert result.record["speed_runtime"] is fast
    assert len(result.history.history["loss"]) == 2  # Keras's History counts the broken epoch
    assert result.record["epochs"] == 1 and result.stopped_early
    assert result.record["too_few_tokens"] is True
    assert result.evaluation.confusion.sum() == len(data.test)  # tested all the same
    assert bench.log(result) is None and not private_results_log.exists()


def test_run_approach_trains_and_logs_in_one_call(smoke_data, private_results_log):
    result = run_approach(DEGENERATE, smoke_data, seed=3)
    [record] = read_runs(private_results_log)
    assert record == result.record
    assert (record["approach"], record["seed"], record["too_few_tokens"], record["max_tokens"]) == (
        None,
        3,
        True,
        3,
    )
    assert record["label"] == DEGENERATE.label


@pytest.mark.parametrize(
    "protocol, optimizer, arithmetic, optimizer_class",
    [
        ("tutorial", None, "rmsprop_keras2", "RowWiseKeras2RMSprop"),
        ("clean", None, "rmsprop", "RowWiseRMSprop"),
        ("clean", "rmsprop_keras2", "rmsprop_keras2", "RowWiseKeras2RMSprop"),
        ("tutorial", "Adam", "adam", "Adam"),
    ],
)
def test_the_optimizer_follows_the_protocol_unless_named(
    protocol, optimizer, arithmetic, optimizer_class
):
    """The tutorial protocol trains with Keras 2's RMSprop, to compare like for like with the
    tutorial; everything else with Keras 3's, as a learner writes it (lesson 07 names
    "rmsprop_keras2" for its experiment). The record says which."""
    import keras

    trainer = Trainer(MINI, speed=True, protocol=protocol)
    seen = []

    class Optimizer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(type(self.model.optimizer).__name__)

    extra = {} if optimizer is None else {"optimizer": optimizer}
    result = trainer.run(DEGENERATE, trainer.data("smoke"), callbacks=[Optimizer()], **extra)
    assert seen == [optimizer_class]
    assert result.record["optimizer"] == arithmetic and result.record["protocol"] == protocol
    assert type(result.model.optimizer).__name__ in ("RMSprop", "Adam")


def test_the_old_keyword_speedups_still_works_with_a_warning():
    with pytest.warns(DeprecationWarning, match=r"Trainer\(speed=\.\.\.\)"):
        trainer = Trainer(MINI, speedups=False)
    assert trainer.speed is False


def test_retracing_warnings_stay_quiet_inside_the_block_only(caplog):
    logger = logging.getLogger("tensorflow")
    warning = "5 out of the last 5 calls to <function f> triggered tf.function retracing."
    inside = threading.Event()
    leave = threading.Event()

    def another_run():  # a second user of the filter, in another thread (the panel's)
        with quiet_retracing():
            inside.set()
            leave.wait(30)

    thread = threading.Thread(target=another_run)
    with quiet_retracing():
        logger.warning(warning)
        logger.warning("a different TensorFlow warning")
        thread.start()
        inside.wait(30)
    logger.warning(warning + " (the other run still going)")
    leave.set()
    thread.join()
    logger.warning(warning + " (after both)")
    assert [record.getMessage() for record in caplog.records] == [
        "a different TensorFlow warning",
        warning + " (after both)",
    ]
