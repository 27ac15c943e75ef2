"""keras.layers.SimpleRNN, with its input weights applied once per sequence instead of once per step.

Introduced in notebook 02_single_rnn_25_tokens, through `build_model`. A SimpleRNN step
computes tanh(x_t W + b + h_(t-1) U). Keras multiplies every x_t by W inside the loop, one
small matrix product per word; here all the x_t W + b of a batch are one large product before
the loop, which then only does h U. Same weights, same initialisation, same numbers (up to
float rounding; tests/test_speed.py checks outputs and gradients against Keras's layer, with
and without a padding mask). When unrolled it also skips Keras's transposes to time-major
order. Used for unrolled layers without dropout; anything else runs Keras's own code.
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
        """The time loop, after one input projection for all steps.

        A masked (padding) step keeps the state it had, as in Keras; its output is zeros when
        `zero_output_for_mask` is on (Bidirectional turns it on for sequences it passes on).
        """
        cell = self.cell
        if not self.unroll or (training and (cell.dropout or cell.recurrent_dropout)):
            return super().inner_loop(sequences, initial_state, mask, training)
        projected = ops.matmul(sequences, cell.kernel)
        if cell.bias is not None:
            projected = projected + cell.bias
        activation = cell.activation or (lambda value: value)
        steps = ops.unstack(projected, axis=1)
        keep = (None if mask is None
                else ops.unstack(ops.cast(mask, projected.dtype)[:, :, None], axis=1))
        order = range(len(steps) - 1, -1, -1) if self.go_backwards else range(len(steps))
        state = initial_state[0]
        outputs = []
        for t in order:
            new = activation(steps[t] + ops.matmul(state, cell.recurrent_kernel))
            state = new if keep is None else state + keep[t] * (new - state)
            outputs.append(state if keep is None or not self.zero_output_for_mask
                           else state * keep[t])
        last = outputs[-1]
        sequence = ops.stack(outputs, axis=1) if self.return_sequences else last[:, None, :]
        return last, sequence, [state]
