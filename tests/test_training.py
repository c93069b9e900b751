"""Training: strategies, the paper's optimizer setup, resumable workdirs, exact evaluation,
figures, and the errors for bad input.

Runs are tiny (a 1-block PixelCNN on the embedded 8x8 digits, a few steps per epoch), so each
takes seconds. The mirrored-strategy test uses the two logical CPU devices of conftest.py;
the multi-worker test starts two real worker processes on 127.0.0.1.
"""

import json
import math
import os
import shutil
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_pixelrnn as kp
from keras_pixelrnn import figures, training
from keras_pixelrnn.training import inputs
from keras_pixelrnn.training import workdir as wd

# A tiny model and short epochs: every training run here takes a few seconds.
TINY = dict(preset="digits_pixel_cnn", num_layers=1, hidden_dim=8, output_dim=16,
            steps_per_epoch=4, batch_size=16)
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _max_diff(a, b):
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b))


# --------------------------------------------------------------------------- strategies


def test_strategy_names_and_errors(monkeypatch):
    assert training.STRATEGIES == ("default", "mirrored", "multi_worker", "tpu")
    assert training.get_strategy("default") is tf.distribute.get_strategy()
    mirrored = training.get_strategy("mirrored")
    assert mirrored.num_replicas_in_sync == len(tf.config.list_logical_devices("CPU")) == 2
    assert training.get_strategy(mirrored) is mirrored
    with pytest.raises(ValueError, match="Valid strategies are: 'default', 'mirrored'"):
        training.get_strategy("horovod")
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(training.StrategyError, match="TF_CONFIG environment variable"):
        training.get_strategy("multi_worker")
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(training.StrategyError, match="not valid JSON"):
        training.get_strategy("multi_worker")
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a:1"]},
                                                "task": {"type": "worker", "index": 3}}))
    with pytest.raises(training.StrategyError, match="is not in its cluster"):
        training.get_strategy("multi_worker")
    monkeypatch.delenv("TPU_NAME", raising=False)
    if not os.path.exists("/dev/accel0"):
        with pytest.raises(training.StrategyError, match="found no TPU: pass its name"):
            training.get_strategy("tpu")


def test_mirrored_strategy_matches_one_device():
    """Two replicas (global batch split 8 + 8, gradients summed) train exactly like one device
    on the same batches, gradient clipping included: the clipping is applied to the summed
    gradient (Keras' own clipnorm would clip each replica's half)."""
    runs = {}
    for name in ("default", "mirrored"):
        model, history = training.train(None, strategy=name, epochs=2, clipnorm=0.05,
                                        verbose=0, **TINY)
        runs[name] = history["loss"], history["bits_per_dim"], model.get_weights()
    (loss_1, bpd_1, w_1), (loss_2, bpd_2, w_2) = runs["default"], runs["mirrored"]
    np.testing.assert_allclose(loss_2, loss_1, rtol=1e-5)
    np.testing.assert_allclose(bpd_2, bpd_1, rtol=1e-5)
    assert _max_diff(w_1, w_2) < 1e-5
    assert loss_1[1] < loss_1[0]


def test_rmsprop_clips_the_global_norm_of_the_gradient():
    variables = [keras.Variable(np.zeros(3, "float32")), keras.Variable(np.zeros(2, "float32"))]
    grads = [np.array([3.0, 0.0, 0.0], "float32"), np.array([0.0, 4.0], "float32")]  # norm 5.
    ours = training.RMSprop(learning_rate=1.0, rho=0.0, aggregate_clipnorm=1.0)
    ours.apply(grads, variables)
    reference = [keras.Variable(np.zeros(3, "float32")), keras.Variable(np.zeros(2, "float32"))]
    keras.optimizers.RMSprop(learning_rate=1.0, rho=0.0, global_clipnorm=1.0).apply(
        grads, reference)
    assert _max_diff([v.numpy() for v in variables], [v.numpy() for v in reference]) < 1e-6
    config = ours.get_config()
    assert config["aggregate_clipnorm"] == 1.0
    assert isinstance(training.RMSprop.from_config(config), training.RMSprop)


def test_multi_worker_strategy_with_two_processes_trains_an_epoch(tmp_path):
    ports = []
    for _ in range(2):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    workdir = tmp_path / "run"
    procs = []
    for index in range(2):
        env = dict(os.environ, TF_CONFIG=json.dumps(
            {"cluster": cluster, "task": {"type": "worker", "index": index}}))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "keras_pixelrnn", "train", "--strategy=multi_worker",
             f"--workdir={workdir}", "--preset=digits_pixel_cnn", "--num_layers=1",
             "--hidden_dim=8", "--epochs=1", "--steps_per_epoch=4"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    try:
        outputs = [p.communicate(timeout=240)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, out in zip(procs, outputs):
        assert p.returncode == 0, out[-3000:]
    assert "MultiWorkerMirroredStrategy (2 replicas)" in outputs[0]
    entries = wd.read_metrics(workdir)
    assert [e["epoch"] for e in entries] == [1]
    assert entries[0]["bits_per_dim"] < math.log2(17)
    assert (workdir / "checkpoints" / "last.keras").exists()
    assert (workdir / ".workers" / "worker_1" / "backup" / "latest.weights.h5").exists()


# --------------------------------------------------------------------------- config


def test_config_defaults_come_from_presets_and_datasets():
    cfg = training.TrainConfig(preset="digits_row_lstm").resolved()
    assert (cfg.model, cfg.dataset, cfg.batch_size) == ("row_lstm", "digits", 16)
    assert (cfg.num_layers, cfg.hidden_dim, cfg.output_dim) == (4, 16, 64)
    assert cfg.validation_split is None and cfg.eval_split == "test"
    cfg = training.TrainConfig(model="diagonal_bilstm", dataset="binarized_mnist").resolved()
    assert (cfg.num_layers, cfg.hidden_dim, cfg.output_dim, cfg.batch_size) == (7, 16, 32, 16)
    assert cfg.validation_split == "validation"  # binarized_mnist has one besides test.
    assert cfg.builder_kwargs()["image_shape"] == (28, 28, 1)
    assert cfg.builder_kwargs()["num_levels"] == 2
    cfg = training.TrainConfig(model="pixel_cnn", dataset="mnist", binarize="dynamic").resolved()
    assert cfg.dataset_info().num_levels == 2 and cfg.eval_binarize == "fixed"
    cfg = training.TrainConfig(model="pixel_cnn", dataset="downsampled_imagenet/64x64").resolved()
    assert cfg.eval_split == "validation" and cfg.validation_split is None
    assert cfg.batch_size == 32 and cfg.model_kwargs == {"residual": False}
    cfg = training.TrainConfig().resolved()
    assert (cfg.model, cfg.dataset, cfg.schedule, cfg.clipnorm, cfg.learning_rate) == (
        "diagonal_bilstm", "digits", "cosine", 1.0, 5e-3)
    assert training.TrainConfig(dataset="cifar10").resolved().learning_rate == 1e-3
    assert training.TrainConfig.from_dict(cfg.to_dict()).resolved() == cfg


@pytest.mark.parametrize("settings, message", [
    (dict(dataset="mnits"), "Valid names are: 'digits', 'mnist_5k'"),
    (dict(model="pixelcnn"), "Valid models are: 'pixel_cnn', 'row_lstm', 'diagonal_bilstm'"),
    (dict(preset="nope"), "Valid presets: binarized_mnist_diagonal_bilstm"),
    (dict(preset="digits_row_lstm", dataset="cifar10"), "has images of shape"),
    (dict(preset="digits_row_lstm", model="pixel_cnn"), "is a row_lstm model"),
    (dict(schedule="linear"), "Valid schedules are"),
    (dict(epochs=0), "epochs must be a positive integer"),
    (dict(binarize="threshold"), "binarize must be None, 'fixed' or 'dynamic'"),
    (dict(dataset="cifar10", binarize="fixed"), "needs grey images"),
    (dict(validation_split="valid"), "Unknown split 'valid'"),
])
def test_bad_settings_are_clear_errors(settings, message):
    with pytest.raises(ValueError, match=message):
        training.TrainConfig(**settings).resolved()


def test_train_rejects_unknown_settings():
    with pytest.raises(TypeError, match="unknown settings lr; valid settings"):
        training.train(None, lr=0.1)


def test_learning_rate_schedules():
    cfg = training.TrainConfig(epochs=4, learning_rate=0.01, schedule="cosine",
                               final_lr_fraction=0.1).resolved()
    assert isinstance(training.make_optimizer(cfg, 10), training.RMSprop)
    schedule = training.optimizer.learning_rate_schedule(cfg, 10)
    np.testing.assert_allclose(float(schedule(0)), 0.01)
    np.testing.assert_allclose(float(schedule(40)), 0.001, rtol=1e-5)
    cfg.schedule = "exponential"
    schedule = training.optimizer.learning_rate_schedule(cfg, 10)
    np.testing.assert_allclose(float(schedule(20)), 0.01 * 0.9 ** 2, rtol=1e-5)
    cfg.schedule = "constant"
    assert training.optimizer.learning_rate_schedule(cfg, 10) == 0.01


# --------------------------------------------------------------------------- input stream


def test_training_stream_is_keyed_by_epoch():
    cfg = training.TrainConfig(**{**TINY, "steps_per_epoch": 40}).resolved()
    start = inputs.training_stream(cfg, start_epoch=0)
    batches = [b.numpy() for b in start.take(120)]
    resumed = [b.numpy() for b in inputs.training_stream(cfg, start_epoch=2).take(40)]
    assert all(np.array_equal(a, b) for a, b in zip(batches[80:], resumed))
    # Passes of 94 batches (1500 images, the last batch 12) in a new order each pass.
    assert [len(b) for b in batches[92:96]] == [16, 12, 16, 16]
    first_pass = np.concatenate(batches[:94])
    assert sorted(map(bytes, first_pass)) == sorted(map(bytes, kp.data.load(
        "digits", batch_size=1500).unbatch().map(lambda x: x).as_numpy_iterator()))
    assert not np.array_equal(batches[0], batches[94])


# --------------------------------------------------------------------------- workdir


def test_workdir_files_resume_and_extension(tmp_path, capsys):
    workdir = tmp_path / "run"
    model, history = training.train(workdir, epochs=1, verbose=1, **TINY)
    assert history["epoch"] == [1]
    for name in ("config.json", "metrics.json", "training_curves.png",
                 "checkpoints/last.keras", "backup/latest.weights.h5"):
        assert (workdir / name).exists(), name
    assert any((workdir / "logs").rglob("events.out.tfevents*"))
    saved = json.loads((workdir / "config.json").read_text())["config"]
    assert saved["preset"] == "digits_pixel_cnn" and saved["clipnorm"] == 1.0
    # Same config, one more epoch: resumes after epoch 1 with the optimizer state.
    iterations = int(model.optimizer.iterations.numpy())
    model, history = training.train(workdir, epochs=2, verbose=1, **TINY)
    assert history["epoch"] == [1, 2]
    assert int(model.optimizer.iterations.numpy()) == 2 * iterations
    assert "Resuming after epoch 1 of 2" in capsys.readouterr().out
    # Nothing left to do: the trained weights come back.
    again, history = training.train(workdir, verbose=1)
    assert history["epoch"] == [1, 2]
    assert "nothing to do" in capsys.readouterr().out
    assert _max_diff(again.get_weights(), model.get_weights()) == 0
    loaded, config = training.load_model(workdir)
    assert config.epochs == 2 and config.num_layers == 1
    assert _max_diff(loaded.get_weights(), model.get_weights()) == 0


class _Interrupt(Exception):
    pass


class _InterruptAfterEpoch(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epoch:
            raise _Interrupt()


def test_interrupted_run_resumes_exactly(tmp_path):
    """Weights, optimizer state, learning-rate schedule and data order all resume: an
    interrupted run ends exactly where an uninterrupted one does."""
    straight, _ = training.train(tmp_path / "a", epochs=3, verbose=0, **TINY)
    with pytest.raises(_Interrupt):
        training.train(tmp_path / "b", epochs=3, verbose=0, callbacks=[_InterruptAfterEpoch(1)],
                       **TINY)
    assert [e["epoch"] for e in wd.read_metrics(tmp_path / "b")] == [1]
    resumed, _ = training.train(tmp_path / "b", verbose=0)
    assert _max_diff(straight.get_weights(), resumed.get_weights()) < 1e-6
    a, b = wd.read_metrics(tmp_path / "a"), wd.read_metrics(tmp_path / "b")
    np.testing.assert_allclose([e["loss"] for e in a], [e["loss"] for e in b], rtol=1e-6)


def test_another_config_in_the_same_workdir_is_an_error(tmp_path):
    workdir = tmp_path / "run"
    training.train(workdir, epochs=1, verbose=0, **TINY)
    with pytest.raises(training.ConfigMismatchError) as err:
        training.train(workdir, epochs=1, verbose=0, **{**TINY, "hidden_dim": 4})
    message = str(err.value)
    assert "hidden_dim: workdir has 8, asked for 4" in message
    assert "use a new workdir" in message


def test_corrupt_backup_is_a_clear_error(tmp_path):
    workdir = tmp_path / "run"
    training.train(workdir, epochs=1, verbose=0, **TINY)
    weights = workdir / "backup" / "latest.weights.h5"
    weights.write_bytes(weights.read_bytes()[:500])
    with pytest.raises(training.CheckpointError) as err:
        training.train(workdir, epochs=2, verbose=0, **TINY)
    assert str(weights) in str(err.value) and "delete" in str(err.value)


def test_backup_of_another_model_is_a_clear_error(tmp_path):
    training.train(tmp_path / "small", epochs=1, verbose=0, **TINY)
    training.train(tmp_path / "big", epochs=1, verbose=0, **{**TINY, "hidden_dim": 4})
    shutil.copy(tmp_path / "small" / "backup" / "latest.weights.h5",
                tmp_path / "big" / "backup" / "latest.weights.h5")
    with pytest.raises(training.CheckpointError, match="corrupt or was written by another"):
        training.train(tmp_path / "big", epochs=2, verbose=0, **{**TINY, "hidden_dim": 4})


def test_corrupt_or_foreign_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(training.CheckpointError, match="No training run in"):
        training.load_model(tmp_path / "missing")
    training.train(tmp_path / "a", epochs=1, verbose=0, **TINY)
    training.train(tmp_path / "b", epochs=1, verbose=0, **{**TINY, "hidden_dim": 4})
    last = tmp_path / "a" / "checkpoints" / "last.keras"
    shutil.copy(tmp_path / "b" / "checkpoints" / "last.keras", last)
    with pytest.raises(training.CheckpointError, match="not the pixel_cnn model of this"):
        training.load_model(tmp_path / "a")
    last.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(training.CheckpointError) as err:
        training.evaluate(tmp_path / "a")
    assert f"Could not load the checkpoint {last}" in str(err.value)
    assert "resumes from" in str(err.value)
    os.remove(last)
    with pytest.raises(training.CheckpointError, match="does not exist"):
        training.load_model(tmp_path / "a")


# --------------------------------------------------------------------------- evaluation


def test_evaluate_is_exact_over_the_whole_split(tmp_path):
    workdir = tmp_path / "run"
    model, _ = training.train(workdir, epochs=1, verbose=0, **TINY)
    test = np.concatenate(list(kp.data.load("digits", split="test", batch_size=512)))
    expected = -kp.log_prob(model, test).sum() / len(test)
    for batch_size in (64, 50, 297):  # 297 = 5 x 50 + 47: unequal last batch.
        result = training.evaluate(model, "digits", batch_size=batch_size, verbose=0)
        assert result["num_images"] == 297 and result["split"] == "test"
        np.testing.assert_allclose(result["nats_per_image"], expected, rtol=1e-6)
        np.testing.assert_allclose(result["bits_per_dim"], expected / (64 * math.log(2)),
                                   rtol=1e-6)
    result = training.evaluate(workdir, verbose=0)
    np.testing.assert_allclose(result["nats_per_image"], expected, rtol=1e-6)
    assert result["bits_per_dim"] < math.log2(17)
    saved = json.loads((workdir / "evaluation.json").read_text())
    assert saved["digits/test"]["num_images"] == 297
    assert training.evaluate(model, "digits", max_examples=10, verbose=0)["num_images"] == 10


def test_evaluate_rejects_data_that_does_not_fit_the_model(tmp_path):
    model = kp.models.from_preset("digits_pixel_cnn", num_layers=1, hidden_dim=4)
    with pytest.raises(ValueError, match="has images of shape \\(28, 28, 1\\) with 256 levels"):
        training.evaluate(model, "mnist", verbose=0)  # Checked before any download.
    with pytest.raises(ValueError, match="needs the dataset's name; valid names"):
        training.evaluate(model, verbose=0)


# --------------------------------------------------------------------------- figures


def test_figures_rescale_levels_and_write_pngs(tmp_path):
    images = np.random.default_rng(0).integers(0, 17, (6, 8, 8, 1))
    shown = figures.to_display(images, 17)
    assert shown.shape == (6, 8, 8, 3) and shown.min() >= 0 and shown.max() <= 1
    np.testing.assert_allclose(figures.to_display(np.array([[[[0]], [[16]]]]), 17)[0, :, 0, 0],
                               [0.0, 1.0])
    np.testing.assert_allclose(figures.to_display(np.ones((1, 2, 2, 1)), 2), 1.0)
    grid = figures.image_grid(images, 17, ncols=3)
    assert grid.shape == (2 * 9 - 1, 3 * 9 - 1, 3)
    mask = np.ones((6, 8, 8), bool)
    mask[:, 4:] = False
    occluded = figures.occluded_display(images, mask, 17)
    np.testing.assert_allclose(occluded[:, 4:], np.broadcast_to(figures.HIDDEN_COLOR,
                                                                (6, 4, 8, 3)))
    files = [
        figures.save_sample_grid(images, 17, tmp_path / "samples.png", title="t"),
        figures.save_completion_figure(images, mask, np.stack([images] * 3, axis=1), 17,
                                       tmp_path / "sub" / "completions.png"),
        figures.save_training_curves([{"epoch": 1, "bits_per_dim": 3.0, "learning_rate": 1e-3},
                                      {"epoch": 2, "bits_per_dim": 2.5, "val_bits_per_dim": 2.6,
                                       "learning_rate": 5e-4}], tmp_path / "curves.png"),
    ]
    for file in files:
        with open(file, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="history is empty"):
        figures.save_training_curves([], tmp_path / "none.png")
