"""Measures which input sub-pixels each output really depends on, by perturbation."""

import numpy as np

# Changes at or below this are float64 rounding (convolution algorithms may reorder sums);
# real dependencies in these small random networks are many orders of magnitude larger.
ZERO = 1e-12


def layer_dependencies(layer, height, width, groups, features_per_group=2, seed=0,
                       num_bases=3):
    """``D[out_node, in_node]``: max |change| of an output colour group of ``layer`` when all
    input features of one colour group at one pixel are perturbed.

    The layer must map ``(B, H, W, F_in)`` → ``(B, H, W, F_out)`` with both feature axes split
    into ``groups`` contiguous colour groups. The maximum over ``num_bases`` random base inputs
    is taken, so that a path closed by ReLUs for one input does not hide a dependency.
    """
    return np.max([_layer_dependencies(layer, height, width, groups, features_per_group,
                                       seed + k) for k in range(num_bases)], axis=0)


def _layer_dependencies(layer, height, width, groups, features_per_group, seed):
    rng = np.random.default_rng(seed)
    f_in = features_per_group * groups
    base = rng.normal(size=(1, height, width, f_in))
    n = height * width * groups
    batch = np.repeat(base, n + 1, axis=0)
    in_groups = np.arange(f_in) * groups // f_in
    for t in range(n):
        pixel, g = divmod(t, groups)
        i, j = divmod(pixel, width)
        batch[t + 1, i, j, in_groups == g] += rng.normal(size=features_per_group) + 3.0
    out = np.asarray(layer(batch.astype(layer.compute_dtype)), dtype="float64")
    f_out = out.shape[-1]
    out_groups = np.arange(f_out) * groups // f_out
    change = np.abs(out[1:] - out[:1])                       # (n_in, H, W, F_out)
    per_group = np.stack([change[..., out_groups == g].max(-1) for g in range(groups)], -1)
    return per_group.reshape(n, n).T


def model_dependencies(model, seed=0, num_bases=3, conditions=None):
    """``D[out_sub_pixel, in_sub_pixel]``: max |change| of the logits of an output sub-pixel
    when one input sub-pixel changes to another value (max over ``num_bases`` random images).
    ``conditions``: a conditional model's fixed condition inputs for one image (each with a
    batch axis of 1)."""
    return np.max([_model_dependencies(model, seed + k, conditions)
                   for k in range(num_bases)], axis=0)


def _model_dependencies(model, seed, conditions=None):
    height, width, channels = model.image_shape
    levels = model.num_levels
    rng = np.random.default_rng(seed)
    base = rng.integers(0, levels, size=(1, height, width, channels))
    n = height * width * channels
    batch = np.repeat(base, n + 1, axis=0).reshape(n + 1, n)
    batch[np.arange(1, n + 1), np.arange(n)] = (batch[0] + levels // 2 + 1) % levels
    batch = batch.reshape(n + 1, height, width, channels).astype(model.compute_dtype)
    if conditions:
        batch = dict({k: np.repeat(v, n + 1, axis=0) for k, v in conditions.items()},
                     images=batch)
    logits = np.asarray(model(batch), dtype="float64")
    change = np.abs(logits[1:] - logits[:1]).max(-1)         # (n_in, H, W, C)
    return change.reshape(n, n).T


def check_against_reference(dependencies, reference, zero_tol=ZERO, nonzero_tol=1e-9):
    """Asserts ``dependencies`` are zero outside ``reference`` and non-zero inside it."""
    leaks = np.argwhere((dependencies > zero_tol) & ~reference)
    assert leaks.size == 0, (
        f"{len(leaks)} (out, in) pairs depend where they must not, e.g. {leaks[:5].tolist()} "
        f"with changes {dependencies[tuple(leaks[:5].T)].tolist()}")
    missing = np.argwhere((dependencies <= nonzero_tol) & reference)
    assert missing.size == 0, (
        f"{len(missing)} (out, in) pairs do not depend where the paper's receptive field says "
        f"they do, e.g. {missing[:5].tolist()}")


def assert_causal(dependencies, strict=True, zero_tol=ZERO):
    """No output depends on a later (``strict``: or the same) sub-pixel."""
    n = dependencies.shape[0]
    forbidden = np.triu(np.ones((n, n), dtype=bool), k=0 if strict else 1)
    bad = np.argwhere((dependencies > zero_tol) & forbidden)
    assert bad.size == 0, f"causality leak at (out, in) pairs {bad[:5].tolist()}"
