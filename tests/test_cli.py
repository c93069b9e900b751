"""The command line: train → evaluate → sample → complete on digits, resuming a killed run,
and clear errors (exit status 1, no traceback) for bad input.

End-to-end runs use real subprocesses (`python -m keras_pixelrnn ...`); error cases call the
absl main function in-process, which is much faster.
"""

import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from absl import app

from keras_pixelrnn import cli

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PNG = b"\x89PNG\r\n\x1a\n"
# A small PixelCNN trains two full epochs on digits in a few seconds.
TRAIN = ["--preset=digits_pixel_cnn", "--num_layers=2", "--hidden_dim=8", "--epochs=2"]


def run(*args, timeout=300):
    """Runs `python -m keras_pixelrnn ARGS` and returns the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "keras_pixelrnn", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def run_here(capsys, *args):
    """Runs the command line's main in this process: ``(exit status, stdout, stderr)``; a
    usage error counts as status 2."""
    cli.FLAGS.unparse_flags()
    argv = cli.FLAGS(["keras_pixelrnn", *map(str, args)])
    try:
        status = cli.main(argv)
    except app.UsageError as err:
        print(err, file=sys.stderr)
        status = 2
    finally:
        cli.FLAGS.unparse_flags()
    out, err = capsys.readouterr()
    return status, out, err


def is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == PNG


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("cli") / "run"
    result = run("train", f"--workdir={workdir}", *TRAIN)
    assert result.returncode == 0, result.stdout + result.stderr
    return workdir, result.stdout


def test_train_writes_the_workdir(trained):
    workdir, out = trained
    assert "Training preset digits_pixel_cnn" in out and "Epoch 2/2" in out
    for name in ("config.json", "metrics.json", "training_curves.png", "checkpoints/last.keras"):
        assert (workdir / name).exists(), name
    assert is_png(workdir / "training_curves.png")
    assert [e["epoch"] for e in json.loads((workdir / "metrics.json").read_text())["epochs"]] \
        == [1, 2]


def test_evaluate_prints_nll_below_uniform(trained):
    workdir, _ = trained
    result = run("evaluate", f"--workdir={workdir}")
    assert result.returncode == 0, result.stderr
    match = re.search(r"digits test \(297 images.*\): ([\d.]+) nats/image, ([\d.]+) bits/dim",
                      result.stdout)
    assert match, result.stdout
    nats, bits = float(match.group(1)), float(match.group(2))
    assert bits < math.log2(17) - 1.0  # Uniform over 17 levels: 4.09 bits/dim.
    assert math.isclose(nats, bits * 64 * math.log(2), rel_tol=1e-3)
    assert "uniform: 4.0875 bits/dim" in result.stdout


def test_sample_and_complete_write_pngs(trained, tmp_path):
    workdir, _ = trained
    result = run("sample", f"--workdir={workdir}", "--num_samples=4", "--method=naive",
                 f"--out={tmp_path / 'samples.png'}")
    assert result.returncode == 0, result.stderr
    assert "Sampled 4 images" in result.stdout and is_png(tmp_path / "samples.png")
    result = run("complete", f"--workdir={workdir}", "--num_images=3", "--num_completions=2",
                 "--method=naive")
    assert result.returncode == 0, result.stderr
    assert "Completed 3 images x 2" in result.stdout and is_png(workdir / "completions.png")


def test_a_killed_run_resumes_at_the_next_epoch(tmp_path):
    workdir = tmp_path / "run"
    args = ["train", f"--workdir={workdir}", "--preset=digits_pixel_cnn", "--epochs=6",
            "--steps_per_epoch=120"]
    metrics = workdir / "metrics.json"

    def epochs():
        try:
            return [e["epoch"] for e in json.loads(metrics.read_text())["epochs"]]
        except (OSError, ValueError):
            return []

    proc = subprocess.Popen([sys.executable, "-m", "keras_pixelrnn", *args], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 240
        while not epochs() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # Mid-epoch: the next epoch has started.
    finally:
        proc.kill()
        proc.wait()
    done = epochs()
    assert done and done == list(range(1, len(done) + 1)) and len(done) < 6, done
    before = json.loads(metrics.read_text())["epochs"]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert f"Resuming after epoch {len(done)} of 6" in result.stdout
    assert f"Epoch {len(done) + 1}/6" in result.stdout
    after = json.loads(metrics.read_text())["epochs"]
    assert [e["epoch"] for e in after] == [1, 2, 3, 4, 5, 6]
    assert after[:len(done)] == before  # Completed epochs are kept, not retrained.


# ----------------------------------------------------------------------- errors, in-process


def test_unknown_dataset_lists_the_valid_ones(capsys, tmp_path):
    status, out, err = run_here(capsys, "train", f"--workdir={tmp_path}", "--dataset=mnits")
    assert status == 1
    assert "Error: Unknown dataset 'mnits'. Valid names are: 'digits', 'mnist_5k'" in err
    assert "Traceback" not in err


def test_unknown_command_and_missing_workdir_are_usage_errors(capsys):
    status, _, err = run_here(capsys, "fit")
    assert status == 2 and "Unknown command 'fit'" in err
    for name in ("train", "evaluate", "sample", "complete"):
        assert name in err
    status, _, err = run_here(capsys, "evaluate")
    assert status == 2 and "--workdir is required" in err


def test_tfds_offline_explains_data_dir_and_digits(capsys, tmp_path):
    empty = tmp_path / "tfds"
    empty.mkdir()
    status, _, err = run_here(capsys, "train", f"--workdir={tmp_path / 'run'}",
                              "--dataset=cifar10", f"--data_dir={empty}")
    assert status == 1
    assert "Could not load dataset 'cifar10'" in err and "data_dir" in err
    assert "\"digits\"" in err and "Traceback" not in err


def test_evaluating_a_dataset_that_does_not_fit_is_an_error(capsys, trained):
    workdir, _ = trained
    status, _, err = run_here(capsys, "evaluate", f"--workdir={workdir}", "--dataset=mnist")
    assert status == 1
    assert "Dataset 'mnist' has images of shape (28, 28, 1) with 256 levels" in err
    assert "expects (8, 8, 1) with 17 levels" in err


def test_corrupt_checkpoint_and_other_config_are_errors(capsys, trained, tmp_path):
    workdir = tmp_path / "copy"
    shutil.copytree(trained[0], workdir)
    status, _, err = run_here(capsys, "train", f"--workdir={workdir}", "--model=row_lstm")
    assert status == 1 and "holds a run with another configuration" in err
    assert "model: workdir has 'pixel_cnn', asked for 'row_lstm'" in err
    last = workdir / "checkpoints" / "last.keras"
    last.write_bytes(last.read_bytes()[:1000])
    status, _, err = run_here(capsys, "evaluate", f"--workdir={workdir}")
    assert status == 1 and f"Could not load the checkpoint {last}" in err
    assert "Traceback" not in err
    status, _, err = run_here(capsys, "sample", f"--workdir={tmp_path / 'none'}")
    assert status == 1 and "No training run in" in err


def test_export_writes_a_servable_saved_model(capsys, trained, tmp_path):
    from keras_pixelrnn import export

    trained, _ = trained
    status, out, err = run_here(capsys, "export", f"--workdir={trained}",
                                f"--out={tmp_path / 'serving'}", "--version=3")
    assert status == 0, err
    path = tmp_path / "serving" / "3"
    assert (path / "saved_model.pb").exists() and "saved_model_cli" in out
    assert export.read_metadata(path)["image_shape"] == [8, 8, 1]
    status, _, err = run_here(capsys, "export", f"--workdir={trained}",
                              f"--out={tmp_path / 'serving'}", "--version=3")
    assert status == 1 and "overwrite" in err


@pytest.mark.parametrize("flag, kind", [("--num_classes=10", "class"),
                                        ("--multiscale=4x4", "multiscale")])
def test_conditional_and_multiscale_runs_end_to_end(capsys, tmp_path, flag, kind):
    """train → evaluate → sample → complete → export of a class-conditional and a multi-scale
    model, through the command line's main."""
    import numpy as np
    import tensorflow as tf

    workdir = tmp_path / "run"
    small = ["--preset=digits_pixel_cnn", "--num_layers=1", "--hidden_dim=4", "--epochs=1",
             "--steps_per_epoch=3"]
    for command in (["train", *small, flag], ["evaluate"], ["sample", "--num_samples=10"],
                    ["complete", "--num_images=2", "--num_completions=2"],
                    ["export", f"--out={tmp_path / 'serving'}", "--version=1"]):
        status, out, err = run_here(capsys, command[0], f"--workdir={workdir}", *command[1:])
        assert status in (0, None), (command, out, err)
    assert is_png(workdir / "samples.png") and is_png(workdir / "completions.png")
    result = json.loads((workdir / "evaluation.json").read_text())["digits/test"]
    assert 0 < result["bits_per_dim"] < math.log2(17) + 0.5
    served = tf.saved_model.load(str(tmp_path / "serving" / "1")).signatures["sample"]
    feeds = dict(num_samples=tf.constant(3), seed=tf.constant([1, 2], tf.int64))
    if kind == "class":
        feeds["class_label"] = tf.constant([7], tf.int32)
    out = served(**feeds)
    assert out["images"].shape == (3, 8, 8, 1)
    if kind == "multiscale":
        np.testing.assert_array_equal(out["low_res_images"], out["images"][:, ::2, ::2])


def test_bad_multiscale_size_is_a_usage_error(capsys, tmp_path):
    status, _, err = run_here(capsys, "train", f"--workdir={tmp_path / 'run'}",
                              "--multiscale=four")
    assert status == 2 and "HEIGHTxWIDTH" in err
