"""Variants of the Diagonal LSTM's scan, measured against the one the package uses.

Behind the optimisation record's entry on the hand-written gradient and XLA loops
(benchmarks/OPTIMISATIONS.md); not used by the package. ``python -m benchmarks.diagonal_scan``
prints, side by side in one process:

* one scan (one direction of one layer at the MNIST preset size), forward and backward,
  at batch 1 and 16;
* the whole Diagonal BiLSTM training step at the MNIST preset and the small CIFAR config.

Variants:

* ``autodiff``: the package's ``DiagonalLSTM.scan_columns`` (``tf.scan`` and TensorFlow's
  automatic gradient);
* ``fused``: the same recurrence under ``tf.custom_gradient``. The forward loop keeps the
  gate activations. The backward loop is the LSTM's own gradient. The state kernel's
  gradient is one matmul after the loop;
* ``fused_xla``: ``fused`` with both loops XLA-compiled (no TensorList crosses the XLA
  boundary, so this compiles; automatic differentiation through an XLA-compiled ``tf.scan``
  does not).
"""

import contextlib

import numpy as np
import tensorflow as tf

from benchmarks.common import median_times_side_by_side, training_steps_in_contexts

VARIANTS = ("autodiff", "fused", "fused_xla")


def _shift_down(x):     # (..., H, F): row r gets row r - 1, zeros for the first row
    paddings = [[0, 0]] * (len(x.shape) - 2) + [[1, 0], [0, 0]]
    return tf.pad(x[..., :-1, :], paddings)


def _shift_up(x):       # (..., H, F): row r gets row r + 1, zeros for the last row
    paddings = [[0, 0]] * (len(x.shape) - 2) + [[0, 1], [0, 0]]
    return tf.pad(x[..., 1:, :], paddings)


def _forward_loop(columns, valid, kernel):
    units = kernel.shape[0] // 2

    def step(state, column):
        h_left, c_left, _ = state
        input_gates, inside = column
        taps = tf.concat([_shift_down(h_left), h_left], axis=-1)
        gates = input_gates + tf.reshape(
            tf.matmul(tf.reshape(taps, (-1, 2 * units)), kernel), tf.shape(input_gates))
        o, f, i, g = tf.split(gates, 4, axis=-1)
        o, f, i, g = tf.sigmoid(o), tf.sigmoid(f), tf.sigmoid(i), tf.tanh(g)
        c = (f * c_left + i * g) * inside
        return o * tf.tanh(c) * inside, c, tf.concat([o, f, i, g], axis=-1)

    zeros = tf.zeros_like(columns[0, ..., :units])
    return tf.scan(step, (columns, valid),
                   initializer=(zeros, zeros, tf.zeros_like(columns[0])))


def _backward_loop(d_hs, hs, cs, activations, valid, kernel):
    units = kernel.shape[0] // 2
    zeros = tf.zeros_like(hs[0])
    cs_before = tf.concat([zeros[None], cs[:-1]], axis=0)

    def step(state, inputs):
        dh_next, dc_next, _ = state
        d_h, c, c_left, activation, inside = inputs
        o, f, i, g = tf.split(activation, 4, axis=-1)
        dh = (d_h + dh_next) * inside
        tanh_c = tf.tanh(c)
        dc = dc_next * inside + dh * o * (1 - tanh_c * tanh_c)
        d_gates = tf.concat([dh * tanh_c * o * (1 - o), dc * c_left * f * (1 - f),
                             dc * g * i * (1 - i), dc * i * (1 - g * g)], axis=-1)
        d_taps = tf.reshape(
            tf.matmul(tf.reshape(d_gates, (-1, 4 * units)), kernel, transpose_b=True),
            tf.concat([tf.shape(dh_next)[:-1], [2 * units]], 0))
        return d_taps[..., units:] + _shift_up(d_taps[..., :units]), dc * f, d_gates

    _, _, d_columns = tf.scan(step, (d_hs, cs, cs_before, activations, valid),
                              initializer=(zeros, zeros, tf.zeros_like(activations[0])),
                              reverse=True)
    hs_before = tf.concat([zeros[None], hs[:-1]], axis=0)
    taps = tf.concat([_shift_down(hs_before), hs_before], axis=-1)
    d_kernel = tf.matmul(tf.reshape(taps, (-1, 2 * units)),
                         tf.reshape(d_columns, (-1, 4 * units)), transpose_a=True)
    return d_columns, d_kernel


def fused_scan(columns, valid, kernel, xla=False):
    """The Diagonal LSTM scan with the hand-written gradient (see the module docstring);
    same arguments and result as ``DiagonalLSTM.scan_columns`` with the kernel given."""
    forward_loop, backward_loop = _forward_loop, _backward_loop
    if xla:
        forward_loop = tf.function(_forward_loop, jit_compile=True)
        backward_loop = tf.function(_backward_loop, jit_compile=True)

    @tf.custom_gradient
    def run(columns, kernel):
        # The loops' own gradients are never taken: keep the tape from recording them.
        hs, cs, activations = forward_loop(tf.stop_gradient(columns), valid,
                                           tf.stop_gradient(kernel))

        def gradient(d_hs):
            return backward_loop(d_hs, hs, cs, activations, valid, kernel)

        return hs, gradient

    return run(columns, kernel)


@contextlib.contextmanager
def scan_variant(variant):
    """Within the context, Diagonal LSTMs traced anew use ``variant`` for their scan."""
    from keras_pixelrnn.layers.diagonal_lstm import DiagonalLSTM

    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; use one of {VARIANTS}")
    original = DiagonalLSTM.scan_columns
    if variant != "autodiff":
        def scan_columns(self, columns, valid):
            kernel = tf.cast(self.state_kernel, self.compute_dtype)
            return fused_scan(columns, valid, kernel, xla=variant == "fused_xla")

        DiagonalLSTM.scan_columns = scan_columns
    try:
        yield
    finally:
        DiagonalLSTM.scan_columns = original


def scan_times(batch, height=28, width=28, units=16, repeats=15):
    """Seconds of one scan forward and backward for each variant (median, side by side)."""
    from keras_pixelrnn.layers.diagonal_lstm import DiagonalLSTM

    rng = np.random.default_rng(0)
    steps = height + width - 1
    columns = tf.constant(rng.normal(size=(steps, batch, height, 4 * units)), tf.float32)
    shift = np.arange(steps)[:, None] - np.arange(height)[None, :]
    valid = tf.constant(((shift >= 0) & (shift < width))[..., None], tf.float32)
    layer = DiagonalLSTM(units)
    layer.build((batch, height, width, 8))
    functions = {}
    for variant in VARIANTS:
        with scan_variant(variant):
            @tf.function
            def fn(columns):
                with tf.GradientTape() as tape:
                    tape.watch(columns)
                    loss = tf.reduce_sum(layer.scan_columns(columns, valid))
                return tape.gradient(loss, [columns, layer.state_kernel])

            fn(columns)                                      # trace inside the context
        functions[variant] = lambda fn=fn: fn(columns)
    return median_times_side_by_side(functions, repeats)


def training_step_times(config, batch=16, repeats=7):
    """Seconds of a Diagonal BiLSTM training step for each variant (median, side by side)."""
    contexts = {variant: lambda variant=variant: scan_variant(variant) for variant in VARIANTS}
    functions, _ = training_steps_in_contexts("diagonal_bilstm", config, contexts, batch)
    return median_times_side_by_side(functions, repeats)


def main():
    from benchmarks.training import CONFIGS

    print("one scan (28x28, h=16), forward and backward, ms:")
    for batch in (1, 16):
        times = scan_times(batch)
        print(f"  batch {batch}: " + ", ".join(f"{k} {v * 1e3:.1f}" for k, v in times.items()))
    print("Diagonal BiLSTM training step, batch 16, s (speed-up over autodiff):")
    for name, config in CONFIGS.items():
        times = training_step_times(config)
        print(f"  {name}: " + ", ".join(
            f"{k} {v:.3f} ({times['autodiff'] / v:.2f}x)" for k, v in times.items()))


if __name__ == "__main__":
    main()
