"""The checks behind the lessons' exercises: each says right, or not yet with a hint.

Every check prints one short verdict and returns a `Verdict` (true when right). An answer left
as `...` gets a reminder instead of a hint. The hints answer the usual wrong answers
(tests/test_exercises.py tries each); an answer or a setting that is not a usable number (text,
None, NaN, 10**400) gets a sentence too (tests/test_hostile_inputs.py). Each docstring names the
notebook of the exercise; "write the network yourself" in notebooks 02-06 uses
`textrnn_lessons.models.design_check` (`check_model`, `yours_or_reference`).
"""

from __future__ import annotations

import math

import numpy as np

from ..models.approaches import NUM_CLASSES, get_approach
from ..models.design_check import VOCAB_SIZE_HINT, whole_number


class Verdict:
    """True or False for tests; shows nothing in a notebook (the check printed its sentence)."""

    def __init__(self, ok: bool, text: str):
        self.ok, self.text = ok, text
        print(text)

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"Verdict({self.text!r})"

    def _ipython_display_(self) -> None:
        pass


def right(text: str) -> Verdict:
    return Verdict(True, f"Right: {text}")


def not_yet(text: str) -> Verdict:
    return Verdict(False, f"Not yet: {text}")


def _short(value) -> str:
    """A learner's value as they would recognise it, cut short when long."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _verdict(
    answer,
    correct,
    right_text: str,
    hints: dict | None = None,
    general: str = "",
    tolerance: float = 0.0,
) -> Verdict:
    """'Right: ...' or 'Not yet: <hint>'; right when `answer` is within `tolerance`."""
    if answer is Ellipsis or answer is None:
        return not_yet("replace the ... with your answer, then run the cell again.")
    try:
        number = float(answer)
    except (TypeError, ValueError):
        return not_yet(f"the answer should be a number; got {_short(answer)}.")
    except OverflowError:
        return not_yet(
            "that number has more than 300 digits, far too many to be the answer: check the "
            "formula, then run the cell again."
        )
    if not math.isfinite(number):
        return not_yet(
            f"the answer should be an ordinary number; got {number!r}, which usually comes "
            "from dividing by zero or from a value that is not a number."
        )
    if abs(number - correct) <= tolerance:
        return right(right_text)
    for wrong, hint in (hints or {}).items():
        if abs(number - wrong) <= tolerance:
            return not_yet(hint)
    return not_yet(general or "have another look at the explanation above.")


# --- 00_start_here -----------------------------------------------------------------------------


def check_training_articles(answer, preset) -> Verdict:
    """00, exercise 1: articles the preset trains on, once the validation slice is held out."""
    pool = preset.train_size or 120_000
    held_out = round(pool * preset.validation_fraction)
    return _verdict(
        answer,
        pool - held_out,
        f"{pool:,} articles minus the {held_out:,} held out for validation.",
        {
            pool: "that is the whole pool; a tenth of it is held out for validation.",
            held_out: "that is the validation slice; the network trains on the rest.",
        },
        "start from the preset's training articles and take away the validation "
        f"fraction ({preset.validation_fraction:.0%}).",
    )


def check_steps_per_epoch(answer, preset) -> Verdict:
    """00, exercise 2: batches in one epoch of the preset."""
    pool = preset.train_size or 120_000
    articles = pool - round(pool * preset.validation_fraction)
    steps = math.ceil(articles / preset.batch_size)
    return _verdict(
        answer,
        steps,
        f"{articles:,} articles in batches of {preset.batch_size} make {steps} "
        "steps; the last batch is smaller.",
        {
            math.ceil(pool / preset.batch_size): "the validation slice does not take "
            "part in training steps: start from the training articles.",
            articles // preset.batch_size: "the last, smaller batch is a step too: round up.",
        },
        "divide the training articles by the batch size, and round up.",
    )


# --- 01_prepare_data ---------------------------------------------------------------------------


def check_kept_whole(answer, lengths, max_tokens: int) -> Verdict:
    """01, exercise 1: the share (%) of articles that fit whole in `max_tokens` tokens."""
    try:
        lengths = _token_counts(lengths)
        max_tokens = whole_number(max_tokens, "my_max_tokens", MAX_TOKENS_HINT, largest=10_000)
    except ValueError as problem:
        return not_yet(str(problem))
    share = 100 * float(np.mean(lengths <= max_tokens))
    kept = 100 * float(np.minimum(lengths, max_tokens).sum() / lengths.sum())
    return _verdict(
        answer,
        share,
        f"{share:.1f} % of the articles have at most {max_tokens} tokens.",
        {
            share / 100: "that is a fraction; give it in percent.",
            kept: "that is the share of all *tokens* kept; the question asks for whole articles.",
            100 * float(np.mean(lengths < max_tokens)): "an article of exactly "
            f"{max_tokens} tokens fits too: use <=.",
        },
        f"count the articles with lengths <= {max_tokens} and divide by all of them.",
        tolerance=0.05,
    )


MAX_TOKENS_HINT = ("the number of tokens each article keeps", "Write a number such as 40.")


def _token_counts(lengths) -> np.ndarray:
    """`lengths` as a non-empty 1-D array of whole numbers >= 0, or a ValueError sentence."""
    how = "Run the cell that counts them again: lengths = count_tokens(data.train.texts)."
    try:
        array = np.asarray(lengths, dtype=float)
    except (TypeError, ValueError, OverflowError):
        array = None
    if array is None or array.ndim != 1 or array.size == 0:
        raise ValueError(
            "lengths should hold the token count of every training article, a list of whole "
            f"numbers; got {_short(lengths)}. {how}"
        )
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array != np.round(array)):
        raise ValueError(
            "lengths should hold whole numbers of tokens, 0 or more; it holds "
            f"{float(array[~(np.isfinite(array) & (array >= 0) & (array == np.round(array)))][0])}."
            f" {how}"
        )
    return array.astype(np.int64)


def check_toy_indexes(answer, vectorizer, sentence: str) -> Verdict:
    """01, exercise 2: the indexes the toy vocabulary gives `sentence`."""
    from ..data.vectorizer import worked_example

    expected = worked_example(vectorizer, sentence).indexes
    if answer is Ellipsis or answer is None:
        return not_yet("replace the ... with your list of indexes, then run the cell again.")
    answer = _whole_numbers(answer)
    if isinstance(answer, Verdict):
        return answer
    if answer == expected:
        return right(f"{expected}. Every word the vocabulary lacks becomes 1, [UNK].")
    if len(answer) != len(expected):
        return not_yet(
            f"the sentence has {len(expected)} tokens (punctuation becomes a space), "
            f"so the answer needs {len(expected)} indexes."
        )
    known = [i for i, e in enumerate(expected) if e != 1]
    if known and all(answer[i] + 2 == expected[i] for i in known):
        return not_yet(
            "indexes 0 and 1 are taken by padding and [UNK], so the first word of "
            "the vocabulary has index 2."
        )
    if 0 in answer:
        return not_yet("0 means padding; a word the vocabulary lacks becomes 1, [UNK].")
    return not_yet("look each lower-cased word up in the vocabulary listed above.")


def _whole_numbers(answer) -> list[int] | Verdict:
    """A list answer as ints; 'Not yet' when it is not a list of whole numbers."""
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        return not_yet(f"the answer should be a list of whole numbers; got {_short(answer)}.")
    numbers = []
    for item in answer:
        try:
            value = float(item) if not isinstance(item, int) else item
        except (TypeError, ValueError):
            return not_yet(f"the answer should be a list of whole numbers; got {_short(item)}.")
        if isinstance(item, bool) or not (isinstance(value, int) or value.is_integer()):
            return not_yet(
                f"an index is a whole number (a row of the vocabulary); {_short(item)} is not."
            )
        numbers.append(int(value))
    return numbers


# --- 02-06: the networks -----------------------------------------------------------------------


def _rnn_params(units: int, inputs: int) -> int:
    return units * (inputs + units + 1)


def check_parameter_count(answer, vocab_size: int, approach: int = 1) -> Verdict:
    """02, exercise 1: the whole network's parameter count, predicted before model.summary()."""
    design = get_approach(approach)
    try:
        vocab_size = whole_number(vocab_size, "vocab_size", VOCAB_SIZE_HINT)
    except ValueError as problem:
        return not_yet(str(problem))
    embedding = vocab_size * design.embed_len
    rnn = _rnn_params(design.units[0], design.embed_len)
    dense = design.units[0] * NUM_CLASSES + NUM_CLASSES
    units, inputs = design.units[0], design.embed_len
    return _verdict(
        answer,
        embedding + rnn + dense,
        f"{embedding:,} (embedding) + {rnn:,} (SimpleRNN) + {dense} (Dense).",
        {
            embedding
            + units * (inputs + units)
            + dense
            - NUM_CLASSES: "every unit of both layers also has a bias.",
            embedding + units * (inputs + 1) + dense: "the recurrent layer also carries "
            f"its state from step to step: a {units} x {units} matrix.",
            rnn + dense: "the embedding table is a layer with weights too: one row of "
            f"{design.embed_len} numbers per vocabulary entry.",
            embedding + rnn * design.max_tokens + dense: "the recurrent layer uses the "
            "same weights at every step: the count does not grow with the tokens.",
        },
        "add up the three layers; the formulas are in the text above.",
    )


def check_layer_count(answer, approach: int, layer: int) -> Verdict:
    """04-06, exercise 2: one recurrent layer's count (`layer` 1 is the lowest)."""
    design = get_approach(approach)
    width = 2 if design.bidirectional else 1
    inputs = design.embed_len if layer == 1 else width * design.units[layer - 2]
    units = design.units[layer - 1]
    one = _rnn_params(units, inputs)
    formula = f"{units} x ({inputs} + {units} + 1)"
    hints = {
        width * _rnn_params(units, design.embed_len): "this layer reads the layer below it "
        f"({inputs} numbers per step), not the embedding."
    }
    if width == 2:
        below = design.units[layer - 2] if layer > 1 else design.embed_len
        hints[_rnn_params(units, below)] = (
            "a bidirectional layer holds two complete recurrent "
            "layers, and the layer below passes on both "
            f"directions: {inputs} numbers per step."
        )
        hints[2 * _rnn_params(units, below)] = (
            "the layer below is bidirectional: it passes on "
            f"both directions, {inputs} numbers per step."
        )
        hints[one] = "a bidirectional layer holds two complete recurrent layers."
    return _verdict(
        answer,
        width * one,
        f"{'2 directions x ' if width == 2 else ''}{formula} = {width * one:,}.",
        hints,
        "units x (numbers read per step + units + 1)"
        + (", once for each direction." if width == 2 else "."),
    )


def check_no_new_weights(answer) -> Verdict:
    """03, exercise 2: how many more weights approach 2 has than approach 1."""
    return _verdict(
        answer,
        0,
        "none. The same weights are used at every step, so reading 50 "
        "tokens costs more steps, not more weights.",
        {
            25 * 30: "the embedding table does not grow with the window: it has one row "
            "per vocabulary entry, whatever the length."
        },
        "compare the two model.summary() tables line by line.",
    )


def check_accuracy_from_confusion(answer, matrix) -> Verdict:
    """02, exercise 2: test accuracy (%) computed from the confusion matrix.

    `matrix` is sklearn's confusion_matrix (or an `Evaluation`, which holds one).
    """
    matrix = np.asarray(getattr(matrix, "confusion", matrix))
    accuracy = 100 * np.trace(matrix) / matrix.sum()
    recalls = 100 * np.diag(matrix) / matrix.sum(axis=1).clip(min=1)
    hints = {accuracy / 100: "that is a fraction; give it in percent."}
    hints.update(
        dict.fromkeys(recalls, "that is one topic's recall (one row); accuracy counts every row.")
    )
    return _verdict(
        answer,
        accuracy,
        f"{np.trace(matrix):,} correct of {matrix.sum():,}: {accuracy:.2f} %.",
        hints,
        "add up the diagonal (correct answers) and divide by all test articles.",
        tolerance=0.05,
    )


# --- 07_results_and_next_steps -----------------------------------------------------------------


def check_choice(lab, choice) -> Verdict:
    """07, exercise 2: the design to test, chosen on validation by the interval rule."""
    if choice is Ellipsis or choice is None:
        return not_yet("replace the ... with the name of an experiment, in quotes.")
    if not lab.done:
        return not_yet("no experiment has run yet: run the baseline and the experiments first.")
    if not isinstance(choice, str) or choice not in lab.done:
        return not_yet(
            f"{choice!r} is not one of the experiments: {', '.join(map(repr, lab.done))}."
        )
    pick, baseline = lab.recommend(), lab.baseline
    if choice == pick:
        return right(
            f"{pick!r}: "
            + (
                "the best mean among the designs really better than the baseline."
                if pick != baseline.name
                else "no design was really better than the baseline (every interval that "
                "favoured one held zero), so keep the simplest."
            )
        )
    if choice == baseline.name:
        return not_yet(
            f"keep the baseline only when no design is really better; {pick!r} is (its "
            "interval lies above zero)."
        )
    from ..results.experiments import verdict

    found = verdict(lab.done[choice], baseline, lab.chance)
    if found != "better":
        return not_yet(
            f"{choice!r} is not really better than the baseline ({found}): "
            + (
                "its interval holds zero, so its lead, if any, may be the seeds' luck."
                if found == "no real difference"
                else "pick among the designs whose interval lies above zero, or the baseline."
            )
        )
    return not_yet(
        f"{choice!r} is really better than the baseline, but {pick!r} is better "
        "still on validation."
    )
