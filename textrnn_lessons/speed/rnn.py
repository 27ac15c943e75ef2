"""A SimpleRNN layer that applies its input weights once per sequence, not once per step.

A measure of the speed runtime (textrnn_lessons.speed). A SimpleRNN step computes
tanh(x_t W + b + h_(t-1) U). Keras multiplies every x_t by W inside its loop, one small matrix
product per word; here all the x_t W + b of a batch are one large product before the loop,
which then only does h U. Same weights, same initialisation, same numbers up to float rounding.
The steps are written out (unrolled), and Keras's transposes to time-major order are skipped.
Only for unrolled layers without dropout; anything else runs Keras's own code.
Test: `test_projected_rnn_computes_what_keras_simplernn_computes` (tests/test_speed.py: outputs
and gradients against keras.layers.SimpleRNN, with and without a padding mask, in one chain
and in several).

It can also cut the batch into `chains`: slices that each step through time on their own, so a
one-directional layer keeps two cores busy. `pick_chains` chooses one chain per core for runs
long enough to repay the bigger graph (two chains took approach 2's step from 14 to 9 ms).

It overrides `RNN.inner_loop`, a private part of Keras (speed/check.py checks it before the
runtime starts). The runtime trains it inside a twin of the learner's model and hands the
weights back to stock layers (twin.py), so no saved model holds it. Imported lazily: it needs
Keras and TensorFlow.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops

from ..machine import usable_cpus

#: Most slices of a batch a one-directional layer steps through side by side, one per core.
RNN_CHAINS = 2
#: Training steps from which those chains repay their bigger graph (benchmarks/README.md:
#: approach 4 at batch 256 builds its first step 0.9 s slower, then saves 4.9 ms a step).
CHAINS_MIN_STEPS = 200


# Registered because Bidirectional builds its backward half from the forward half's config.
@keras.saving.register_keras_serializable(package="textrnn_lessons")
class ProjectedSimpleRNN(keras.layers.SimpleRNN):
    """keras.layers.SimpleRNN that projects the whole input sequence in one product.

    `chains` > 1 cuts the batch into that many slices, each with its own projection and chain
    of steps, so that TensorFlow can run them on separate cores (a step is a product too small
    to share out). It changes only the speed. None means one, unless `pick_chains` decides
    otherwise before training.
    """

    def __init__(self, units, chains: int | None = None, **kwargs):
        super().__init__(units, **kwargs)
        if chains is not None and chains < 1:
            raise ValueError(f"chains must be 1 or more, got {chains!r}.")
        self.chains = chains

    def get_config(self):
        return {**super().get_config(), "chains": self.chains}

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """One chain of steps, or one per slice of the batch, concatenated."""
        cell = self.cell
        if not self.unroll or (training and (cell.dropout or cell.recurrent_dropout)):
            return super().inner_loop(sequences, initial_state, mask, training)
        state = initial_state[0]
        chains = self.chains or 1
        if chains == 1:
            last, sequence, final = self._chain(sequences, state, mask)
            return last, sequence, [final]
        # tf.split, not slicing: its gradient is one concatenation, where a slice's gradient
        # would be a batch-sized tensor of zeros per chain, then their sum.
        rows = tf.shape(sequences)[0]
        ends = [rows * part // chains for part in range(chains + 1)]
        sizes = tf.stack([b - a for a, b in zip(ends, ends[1:])])
        split = lambda value: tf.split(value, sizes, num=chains)  # noqa: E731
        masks = [None] * chains if mask is None else split(mask)
        pieces = [self._chain(*piece) for piece in zip(split(sequences), split(state), masks)]
        last, sequence, final = (ops.concatenate(parts, axis=0) for parts in zip(*pieces))
        return last, sequence, [final]

    def _chain(self, sequences, state, mask):
        """Steps through time for one slice of the batch: (last output, outputs, state).

        A masked (padding) step keeps the state it had, as in Keras; its output is zeros when
        `zero_output_for_mask` is on (Bidirectional turns it on for sequences it passes on).
        """
        cell = self.cell
        projected = ops.matmul(sequences, cell.kernel)
        if cell.bias is not None:
            projected = projected + cell.bias
        activation = cell.activation or (lambda value: value)
        steps = ops.unstack(projected, axis=1)
        keep = (
            None
            if mask is None
            else ops.unstack(ops.cast(mask, projected.dtype)[:, :, None], axis=1)
        )
        order = range(len(steps) - 1, -1, -1) if self.go_backwards else range(len(steps))
        outputs = []
        for t in order:
            # add_n, not +: the two have the same shape, and add_n's gradient knows it without
            # the shape checks and sums that TensorFlow adds for `+` when the batch size is
            # unknown (six small operations per step; up to 1.6 s more graph building).
            new = activation(tf.add_n([steps[t], ops.matmul(state, cell.recurrent_kernel)]))
            state = new if keep is None else state + keep[t] * (new - state)
            outputs.append(
                state if keep is None or not self.zero_output_for_mask else state * keep[t]
            )
        last = outputs[-1]
        sequence = ops.stack(outputs, axis=1) if self.return_sequences else last[:, None, :]
        return last, sequence, state


def pick_chains(model, steps: int) -> None:
    """Before training: one chain of steps per core for each one-directional layer left to
    choose (chains=None), if the run is long enough to repay the bigger graph.

    A bidirectional layer keeps one chain per direction: its two directions already keep two
    cores busy.
    """
    chains = min(RNN_CHAINS, usable_cpus()) if steps >= CHAINS_MIN_STEPS else 1
    for layer in model.layers:
        if isinstance(layer, ProjectedSimpleRNN) and layer.chains is None:
            layer.chains = chains
