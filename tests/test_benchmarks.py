"""Smoke run of the benchmark suites on tiny models (the real runs are not part of CI)."""

import json
import os
import subprocess
import sys

import keras
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
    assert results["memory"][0]["train_step_mib"] >= 0   # tiny work may add no new peak
    text = (tmp_path / "RESULTS_quick.md").read_text()
    assert "## Training throughput" in text and "## Peak memory" in text
