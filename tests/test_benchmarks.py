"""Smoke run of the benchmark suites on tiny models (the real runs are not part of CI)."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow benchmarks")
def test_quick_benchmark_run_writes_results(tmp_path):
    result = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--out",
                             str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads((tmp_path / "results_quick.json").read_text())
    speed = results["sampling"]["speed"]
    assert {row["family"] for row in speed} == {"pixel_cnn", "row_lstm", "diagonal_bilstm"}
    assert all(row["cached_s"] > 0 and row["naive_s"] > 0 for row in speed)
    assert results["training"]["peak_gflops_per_s"] > 0
    assert all(0 < row["fraction_of_peak"] for row in results["training"]["rows"])
    crop = results["crop"]           # before/after of the crop optimisation: same losses
    assert {row["model"] for row in crop} == {"row_lstm", "diagonal_bilstm"}
    assert all(row["same_losses"] and row["speedup"] > 0 for row in crop)
    for row in crop:                 # the profile sees the op, and only before the change
        assert row["strided_grad_share_before"] > 0
        assert row["strided_grad_share_after"] == 0
    assert results["memory"][0]["train_step_mib"] >= 0   # tiny work may add no new peak
    text = (tmp_path / "RESULTS_quick.md").read_text()
    assert "## Training throughput" in text and "## Peak memory" in text
    assert "## Before/after" in text


def test_gpu_benchmark_runs_on_the_jax_backend_without_tensorflow(tmp_path):
    """The GPU suite must run where only JAX is installed: TensorFlow imports are blocked."""
    pytest.importorskip("jax")
    code = ("import sys, runpy\n"
            "class NoTensorFlow:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] in ('tensorflow', 'tf_keras'):\n"
            "            raise ImportError('TensorFlow is not installed here')\n"
            "sys.meta_path.insert(0, NoTensorFlow())\n"
            "sys.argv = ['gpu', '--quick', '--out', %r]\n"
            "runpy.run_module('benchmarks.gpu', run_name='__main__')\n" % str(tmp_path))
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads((tmp_path / "results_gpu.json").read_text())["training"]["rows"]
    assert [row["preset"] for row in rows] == ["digits_pixel_cnn", "digits_row_lstm",
                                               "digits_diagonal_bilstm"]


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow variants")
@pytest.mark.parametrize("variant", ["fused", "fused_xla"])
def test_diagonal_scan_variants_equal_the_package_scan_and_its_gradient(variant):
    """The variants of the optimisation record compute the same values and gradients."""
    import tensorflow as tf

    import keras_pixelrnn as kp
    from benchmarks.diagonal_scan import scan_variant

    layer = kp.layers.DiagonalBiLSTM(3, color_channels=3, dtype="float64")
    x = tf.constant(np.random.default_rng(0).normal(size=(2, 4, 5, 6)))
    weights = tf.constant(np.random.default_rng(1).normal(size=(2, 4, 5, 3)))
    layer(x)

    def value_and_gradients():
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x) * weights)
        return [loss] + tape.gradient(loss, [x] + layer.trainable_weights)

    expected = value_and_gradients()
    with scan_variant(variant):
        got = value_and_gradients()
    assert len(got) == len(expected) > 3
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
