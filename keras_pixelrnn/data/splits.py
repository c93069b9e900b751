"""Validation of split names, including tfds slicing syntax."""

import re

# One part of a tfds split expression: a name, optionally sliced ("train[:90%]").
_PART = re.compile(r"^\s*(\w+)\s*(\[[^\]]*\])?\s*$")


def split_names(split: str):
    """Returns the base split names in a tfds split expression.

    `"train[:90%]+test"` gives `["train", "test"]`. A part that does not parse
    is returned whole, so the caller's error message can name it.
    """
    names = []
    for part in split.split("+"):
        match = _PART.match(part)
        names.append(match.group(1) if match else part.strip())
    return names


def check_split(info, split, allow_slicing: bool) -> None:
    """Raises a clear `ValueError` if `split` does not name a split of `info`.

    Args:
        info: The dataset's `DatasetInfo`.
        split: A split name; with `allow_slicing`, any tfds split expression
            such as `"train[:90%]"` or `"train+test"` (non-strings, such as
            `tfds.core.ReadInstruction`, are passed through unchecked).
        allow_slicing: Whether tfds slicing syntax is accepted.
    """
    valid = ", ".join(repr(s) for s in info.splits)
    if not isinstance(split, str):
        if allow_slicing:
            return
        raise ValueError(
            f"split must be a string naming a split of {info.name!r} "
            f"({valid}), got {split!r}."
        )
    if not allow_slicing:
        if split not in info.splits:
            raise ValueError(
                f"Unknown split {split!r} for dataset {info.name!r}; valid "
                f"splits are {valid} (slicing such as 'train[:90%]' is only "
                "supported for tfds datasets)."
            )
        return
    known = set(info.splits) | {"all"}
    unknown = [name for name in split_names(split) if name not in known]
    if unknown:
        raise ValueError(
            f"Unknown split {unknown[0]!r} in split={split!r} for dataset "
            f"{info.name!r}; valid splits are {valid} (or 'all'), optionally "
            "sliced as in tfds, e.g. 'train[:90%]' or 'train+test'."
        )


def is_train_split(split) -> bool:
    """Whether every part of `split` is (a slice of) the `"train"` split."""
    return isinstance(split, str) and all(
        name == "train" for name in split_names(split)
    )
