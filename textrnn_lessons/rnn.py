"""keras.layers.SimpleRNN, with its input weights applied once per sequence instead of once per step.

Introduced in notebook 02_single_rnn_25_tokens, through `build_model`. A SimpleRNN step
computes tanh(x_t W + b + h_(t-1) U). Keras multiplies every x_t by W inside the loop, one
small matrix product per word; here all the x_t W + b of a batch are one large product before
the loop, which then only does h U. Same weights, same initialisation, same numbers (up to
float rounding; tests/test_speed.py checks outputs and gradients against Keras's
layer). When unrolled it also skips Keras's transposes to time-major order. Used for
unrolled, unmasked layers without dropout; anything else runs Keras's own code.
benchmarks/README.md has the measurements.

Imported lazily: it needs Keras.
"""
from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="textrnn_lessons")
class SimpleRNN(keras.layers.SimpleRNN):
    """keras.layers.SimpleRNN that projects the whole input sequence in one product."""

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """The time loop, after one input projection for all steps."""
        cell = self.cell
        if (not self.unroll or mask is not None
                or (training and (cell.dropout or cell.recurrent_dropout))):
            return super().inner_loop(sequences, initial_state, mask, training)
        projected = ops.matmul(sequences, cell.kernel)
        if cell.bias is not None:
            projected = projected + cell.bias
        activation = cell.activation or (lambda value: value)
        steps = ops.unstack(projected, axis=1)
        state = initial_state[0]
        outputs = []
        for step in (reversed(steps) if self.go_backwards else steps):
            state = activation(step + ops.matmul(state, cell.recurrent_kernel))
            outputs.append(state)
        sequence = ops.stack(outputs, axis=1) if self.return_sequences else state[:, None, :]
        return state, sequence, [state]
