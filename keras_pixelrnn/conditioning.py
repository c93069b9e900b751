"""The conditioning inputs of a model: what it takes, and their checks.

A conditional model (``num_classes`` and/or ``condition_shape`` in the builders) takes a dict
``{"images", "class_label", "condition"}``; an unconditional one takes the images alone.
``model_inputs`` builds what the model takes from the images and the conditions a user gives,
with errors that say what was wrong; the likelihood, sampling and export code all use it.
"""

import numpy as np

from keras_pixelrnn.validation import check_images
from keras_pixelrnn.validation import check_integer_pixels
from keras_pixelrnn.validation import check_pixel_range

NAMES = ("class_label", "condition")


def images_input(model):
    """The model's ``images`` input tensor (its only input when unconditional)."""
    structure = model.input
    return structure["images"] if isinstance(structure, dict) else model.inputs[0]


def condition_encoder(model):
    """The model's ``ConditionEncoder`` layer, or ``None`` for an unconditional model."""
    from keras_pixelrnn.layers.condition_encoder import ConditionEncoder

    found = [layer for layer in model.layers if isinstance(layer, ConditionEncoder)]
    return found[0] if found else None


def condition_spec(model):
    """``{"class_label": num_classes, "condition": (h, w, C)}`` of what the model takes
    (empty for an unconditional model)."""
    encoder = condition_encoder(model)
    spec = {}
    if encoder is not None and encoder.num_classes:
        spec["class_label"] = encoder.num_classes
    if encoder is not None and encoder.condition_shape:
        spec["condition"] = encoder.condition_shape
    return spec


def check_conditions(model, batch, class_label=None, condition=None):
    """Checks the conditions given for ``batch`` images; returns a dict of numpy arrays.

    Args:
        model: a model from :mod:`keras_pixelrnn.models`.
        batch: number of images.
        class_label: an int (the same class for every image; also ``[k]``) or ints
            ``(batch,)`` in ``[0, num_classes)``; required by class-conditional models only.
        condition: low-resolution images ``(batch, h, w, C)`` (or one image ``(h, w, C)`` or
            ``(1, h, w, C)`` for every image) in ``[0, num_levels)``; required by
            image-conditional models only.

    Raises:
        ValueError: for a missing condition, one the model does not take, or one of the
            wrong shape or range.
    """
    spec = condition_spec(model)
    given = {"class_label": class_label, "condition": condition}
    out = {}
    for name in NAMES:
        value = given[name]
        if value is None and name in spec:
            raise ValueError(_missing(model, name, spec[name]))
        if value is not None and name not in spec:
            takes = (f"takes only {', '.join(sorted(spec))}" if spec
                     else "is unconditional")
            raise ValueError(f"{name}= was given but model {model.name!r} {takes}; build the "
                             f"model with "
                             + ("num_classes=K" if name == "class_label"
                                else "condition_shape=(h, w, C)") + " to condition on it.")
        if value is None:
            continue
        if name == "class_label":
            out[name] = _class_labels(value, batch, spec[name])
        else:
            out[name] = _low_res(value, batch, spec[name], int(model.outputs[0].shape[-1]))
    return out


def model_inputs(model, images, class_label=None, condition=None):
    """What ``model`` takes for these images and conditions: the checked int32 images, or for
    a conditional model the dict with them."""
    images = check_images(images, tuple(model.outputs[0].shape[1:4]),
                          int(model.outputs[0].shape[-1]))
    conditions = check_conditions(model, len(images), class_label, condition)
    return dict(images=images, **conditions) if conditions else images


def _missing(model, name, spec):
    if name == "class_label":
        return (f"Model {model.name!r} is class-conditional ({spec} classes): pass "
                f"class_label=K (one class for all) or class_label=[labels], ints in "
                f"[0, {spec}).")
    return (f"Model {model.name!r} is conditioned on a low-resolution image: pass "
            f"condition=array of shape (batch, {', '.join(map(str, spec))}).")


def _class_labels(value, batch, num_classes):
    labels = np.asarray(value)
    if labels.dtype == bool or not (np.issubdtype(labels.dtype, np.integer)
                                    or np.issubdtype(labels.dtype, np.floating)):
        raise ValueError(f"class_label must be integers, got dtype {labels.dtype}.")
    if labels.ndim == 0 or labels.shape == (1,):
        labels = np.full((batch,), labels.reshape(()))
    if labels.shape != (batch,):
        raise ValueError(f"class_label must be one int or {batch} ints (one per image), got "
                         f"shape {labels.shape}.")
    if np.any(labels != np.round(labels)) or labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"class_label must be ints in [0, {num_classes}) (num_classes="
                         f"{num_classes}), got min {labels.min()} and max {labels.max()}.")
    return labels.astype("int32")


def _low_res(value, batch, shape, num_levels):
    array = check_integer_pixels(np.asarray(value), "condition")
    if array.shape in (tuple(shape), (1,) + tuple(shape)):   # one image for all
        array = np.broadcast_to(array.reshape(shape), (batch,) + tuple(shape))
    if array.shape != (batch,) + tuple(shape):
        raise ValueError(f"condition must be low-resolution images of shape ({batch}, "
                         f"{', '.join(map(str, shape))}) (one per image), got shape "
                         f"{array.shape}.")
    return check_pixel_range(array, num_levels, "condition").astype("int32")
