"""The tutorial notebooks run top to bottom, offline, with small parameters.

Each notebook is executed with nbclient in a fresh kernel, in a temporary working directory,
after the values of its "parameters" cell are overridden (as papermill does: assignments
appended to that cell). A cell injected first makes any connection to a non-local address
fail and records it; one injected last asserts that none was attempted.

Notebooks 02 and 03 load pretrained models from the zoo. They use the real entries of
saved_models/ when the checkout has them; otherwise the test exports tiny untrained models
under the same names into a temporary zoo (KERAS_PIXELRNN_ZOO), so that the notebooks always
run. Likewise the MNIST digits come from mnist_train_5k.npz when it is found, else from a
stand-in file made of upscaled scikit-learn digits (KERAS_PIXELRNN_DATA_DIR).
"""

import ast
import json
import os
import re
import sys

import keras
import numpy as np
import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import keras_pixelrnn as kp  # noqa: E402

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                reason="the notebooks use TensorFlow")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = os.path.join(ROOT, "notebooks")

TINY = dict(num_layers=1, hidden_dim=4, output_dim=8)
# name -> (parameters for CI, seconds allowed for the whole notebook, text its output shows)
CASES = {
    "01_quickstart.ipynb": (
        dict(PRESET="digits_pixel_cnn", EPOCHS=1, STEPS_PER_EPOCH=3, MODEL_OVERRIDES=TINY,
             NUM_SAMPLES=4, NUM_COMPLETIONS=2),
        150, ["test NLL:", "bits/dim on 297 test digits"]),
    "02_completion.ipynb": (
        dict(NUM_DIGITS=2, NUM_COMPLETIONS=2),
        240, ["digit 1: original"]),
    "03_pixel_distribution.ipynb": (
        dict(NUM_IMAGES=2),
        150, ["logits: (2, 28, 28, 1, 256)", "mean entropy"]),
    "04_serving.ipynb": (
        dict(EPOCHS=1, STEPS_PER_EPOCH=2, MODEL_KWARGS=dict(num_layers=1, hidden_dim=4),
             NUM_SAMPLES=2),
        180, ["signature_def['sample']", "served answers equal the Python API's",
              "log_prob: INVALID_ARGUMENT", "sample: INVALID_ARGUMENT"]),
    "05_reproducing_the_paper.ipynb": (
        dict(SMALL=TINY, NUM_FAKE_IMAGES=32, TRAIN_STEPS=2, NUM_SAMPLES=1),
        180, ["cifar10_row_lstm", "FULL_PARAMS", "steps per epoch", "Could not load dataset",
              "replicas: 1", "bits/dim (uniform: 8.000)"]),
}
# The zoo models the notebooks load, and tiny stand-ins of the same kind.
ZOO_MODELS = {
    "binarized_mnist_5k_diagonal_bilstm": dict(image_shape=(28, 28, 1), num_levels=2),
    "mnist_5k_diagonal_bilstm": dict(image_shape=(28, 28, 1), num_levels=256),
}

NETWORK_GUARD = '''
# Injected by tests/test_notebooks.py: the notebook must not need the internet.
import socket as _socket
_NET_ATTEMPTS = []
_LOCAL = ("127.0.0.1", "::1", "localhost", "0.0.0.0")

def _blocked(address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    return isinstance(host, str) and host not in _LOCAL and not host.startswith("/")

def _guard(method):
    real = getattr(_socket.socket, method)
    def guarded(self, address, *args):
        if self.family in (_socket.AF_INET, _socket.AF_INET6) and _blocked(address):
            _NET_ATTEMPTS.append((method, address))
            raise OSError(f"network access blocked by the notebook test: {address}")
        return real(self, address, *args)
    setattr(_socket.socket, method, guarded)

for _method in ("connect", "connect_ex", "sendto"):
    _guard(_method)
_real_getaddrinfo = _socket.getaddrinfo

def _getaddrinfo(host, *args, **kwargs):
    if _blocked((host,)):
        _NET_ATTEMPTS.append(("getaddrinfo", host))
        raise OSError(f"network access blocked by the notebook test: {host}")
    return _real_getaddrinfo(host, *args, **kwargs)

_socket.getaddrinfo = _getaddrinfo
'''
NETWORK_CHECK = "assert not _NET_ATTEMPTS, f'the notebook tried the network: {_NET_ATTEMPTS}'"


def _load(name):
    return nbformat.read(os.path.join(NOTEBOOKS, name), as_version=4)


def _parameters_cell(nb):
    cells = [c for c in nb.cells if c.cell_type == "code"]
    assert cells and "parameters" in cells[0].metadata.get("tags", []), \
        "the first code cell must be the parameters cell, tagged 'parameters'"
    return cells[0]


def _assigned(source):
    return {target.id for node in ast.parse(source).body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)}


def _stand_in_mnist(folder):
    """An mnist_train_5k.npz of 28x28 digits: scikit-learn's 8x8 digits, upscaled."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    big = np.kron(digits.images, np.ones((3, 3)))                     # 24x24, 0..16
    big = np.pad(big, ((0, 0), (2, 2), (2, 2)))
    images = np.round(big * 255 / 16).astype("uint8")
    index = np.arange(5000) % len(images)
    np.savez(os.path.join(folder, "mnist_train_5k.npz"), images=images[index],
             labels=digits.target[index].astype("uint8"))


@pytest.fixture(scope="module")
def notebook_env(tmp_path_factory):
    """Environment variables of the notebook kernels: a zoo with the models of notebooks 02
    and 03 (the checkout's, else tiny stand-ins) and the MNIST digits."""
    from keras_pixelrnn.data import DatasetUnavailableError
    from keras_pixelrnn.data import mnist_5k

    env = {"TF_CPP_MIN_LOG_LEVEL": "2",
           "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    real = set(kp.zoo.list_models(kp.zoo.CHECKOUT_ROOT))
    missing = [name for name in ZOO_MODELS if name not in real]
    if missing:
        root = str(tmp_path_factory.mktemp("zoo"))
        for name in missing:
            keras.utils.set_random_seed(0)
            model = kp.models.diagonal_bilstm(**ZOO_MODELS[name], **TINY)
            kp.zoo.add_model(model, name, root=root, card=f"# {name}\n\nA tiny untrained "
                             "stand-in made by tests/test_notebooks.py.\n")
        env[kp.zoo.ENV_VAR] = root
    try:
        mnist_5k.find_file()
    except DatasetUnavailableError:
        folder = str(tmp_path_factory.mktemp("mnist"))
        _stand_in_mnist(folder)
        env[mnist_5k.ENV_VAR] = folder
    return env


def _execute(name, overrides, workdir, timeout):
    nb = _load(name)
    cell = _parameters_cell(nb)
    unknown = set(overrides) - _assigned(cell.source)
    assert not unknown, f"{name} has no parameters {sorted(unknown)}"
    cell.source += "\n\n# Injected by tests/test_notebooks.py\n" + "\n".join(
        f"{key} = {value!r}" for key, value in overrides.items())
    nb.cells.insert(0, nbformat.v4.new_code_cell(NETWORK_GUARD))
    nb.cells.append(nbformat.v4.new_code_cell(NETWORK_CHECK))
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return nb


def _text(nb):
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            elif "data" in output:
                parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.timeout(seconds + 60))
    for name, (_, seconds, _) in CASES.items()])
def test_notebook_runs(name, notebook_env, tmp_path, monkeypatch):
    overrides, seconds, expected = CASES[name]
    for key, value in notebook_env.items():
        monkeypatch.setenv(key, value)
    nb = _execute(name, overrides, tmp_path, seconds)
    text = _text(nb)
    full = f"{kp.models.from_preset('cifar10_row_lstm').count_params():,}"
    for snippet in [full if s == "FULL_PARAMS" else s for s in expected]:
        assert snippet in text, f"{name}: {snippet!r} not in its output:\n{text[-3000:]}"


def test_every_notebook_is_tested():
    files = sorted(f for f in os.listdir(NOTEBOOKS) if f.endswith(".ipynb"))
    assert files == sorted(CASES)


def test_notebooks_are_the_generator_output():
    """The committed .ipynb files are what make_notebooks.py writes (edit that script),
    without outputs."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_notebooks", os.path.join(NOTEBOOKS, "make_notebooks.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, generated in module.notebooks().items():
        on_disk = _load(name)
        assert json.loads(nbformat.writes(on_disk)) == json.loads(nbformat.writes(generated)), \
            f"{name} differs from make_notebooks.py: run python notebooks/make_notebooks.py"
        nbformat.validate(on_disk)
        for cell in on_disk.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, name


def test_notebook_code_needs_no_download():
    for name in CASES:
        nb = _load(name)
        _parameters_cell(nb)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            source = cell.source
            urls = [u for u in re.findall(r"https?://[^\s\"')]+", source)
                    if not re.match(r"https?://(localhost|127\.0\.0\.1)[:/]", u)]
            assert not urls, f"{name} fetches {urls}"
            assert "download=True" not in source and "pip install" not in source, name
            assert not re.search(r"^\s*!", source, re.M), f"{name} runs a shell command"
