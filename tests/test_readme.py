"""README.md's Python example runs as written (with one epoch and a temporary export path)."""

import os
import re

import keras
import numpy as np
import pytest

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="uses sampling and export")
def test_readme_python_example_runs(tmp_path):
    with open(README) as f:
        code = re.search(r"```python\n(.*?)```", f.read(), re.S).group(1)
    assert "model.fit(train, epochs=5)" in code and '"serving/digits"' in code
    code = code.replace("model.fit(train, epochs=5)", "model.fit(train, epochs=1, verbose=0)")
    code = code.replace('"serving/digits"', repr(str(tmp_path / "serving")))
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["samples"].shape == (16, 8, 8, 1)
    assert (namespace["completed"][:, :4] == namespace["test"][:, :4].numpy()).all()
    assert (tmp_path / "serving" / "1" / "saved_model.pb").exists()


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="uses sampling")
def test_readme_conditional_example_runs():
    with open(README) as f:
        text = f.read()
    section = text[text.index("## Conditional and multi-scale models"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    code = code.replace("epochs=1)", "epochs=1, steps_per_epoch=2, verbose=0)")
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["sevens"].shape == (8, 8, 8, 1)
    assert namespace["both"].shape == (8, 8, 8, 1)
    assert namespace["x"].shape == (1500, 8, 8, 1) and namespace["y"].shape == (1500,)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="uses sampling")
def test_readme_zoo_example_completes_a_held_out_digit(tmp_path, monkeypatch):
    import keras_pixelrnn as kp
    from keras_pixelrnn.data import DatasetUnavailableError, mnist_5k

    try:
        mnist_5k.find_file()
    except DatasetUnavailableError as err:
        pytest.skip(f"the MNIST file is not beside this checkout: {err}")
    with open(README) as f:
        text = f.read()
    section = text[text.index("## Pretrained models"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    digits, completed, known = (namespace[k] for k in ("digits", "completed", "known"))
    assert digits.shape == completed.shape == (4, 28, 28, 1)
    assert (completed[:, :14] == digits[:, :14]).all()            # the visible half is kept
    assert set(np.unique(completed)) <= {0, 1}
    assert (completed[:, 14:] != digits[:, 14:]).any()            # the hidden half is drawn
    assert (tmp_path / "completed.png").stat().st_size > 1000
    # The completed bottom halves are likely under the model, not noise: the model scores
    # them far above uniform bits (784 * log 2 = 543 nats for a whole image).
    assert (-kp.log_prob(namespace["model"], completed) < 200).all()
