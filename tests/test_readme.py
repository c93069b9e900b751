"""README.md's Python example runs as written (with one epoch and a temporary export path)."""

import os
import re

import keras
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
