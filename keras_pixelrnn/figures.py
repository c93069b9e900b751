"""PNG figures: sample grids, completion figures and training curves.

Only numpy and matplotlib (drawn with the Agg canvas, no pyplot and no global backend
change), so it works on machines without a display. Pixel levels are rescaled to the full
grey (or colour) range, so 17-level digits and binary images show as black to white.
"""

import math
import os

import numpy as np

# Colour of hidden pixels in the occluded inputs of a completion figure.
HIDDEN_COLOR = (0.55, 0.12, 0.12)


def to_display(images, num_levels):
    """Integer images ``(N, H, W, C)`` (or ``(N, H, W)``) with values in ``[0, num_levels)``
    → float RGB ``(N, H, W, 3)`` in ``[0, 1]``."""
    x = np.asarray(images, dtype="float64")
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] not in (1, 3):
        raise ValueError(f"images must have shape (N, H, W, 1 or 3), got {np.shape(images)}.")
    if int(num_levels) < 2:
        raise ValueError(f"num_levels must be at least 2, got {num_levels}.")
    x = np.clip(x / (int(num_levels) - 1), 0.0, 1.0)
    return np.repeat(x, 3, axis=-1) if x.shape[-1] == 1 else x


def image_grid(images, num_levels, ncols=None, pad=1, pad_value=1.0):
    """Tiles images into one float RGB array ``(rows*(H+pad)-pad, cols*(W+pad)-pad, 3)``."""
    x = to_display(images, num_levels)
    n, height, width, _ = x.shape
    ncols = int(ncols or math.ceil(math.sqrt(n)))
    nrows = math.ceil(n / ncols)
    grid = np.full((nrows * (height + pad) - pad, ncols * (width + pad) - pad, 3), pad_value)
    for k in range(n):
        r, c = divmod(k, ncols)
        grid[r * (height + pad):r * (height + pad) + height,
             c * (width + pad):c * (width + pad) + width] = x[k]
    return grid


def _figure(width_in, height_in):
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), dpi=100)


def _save(figure, file):
    directory = os.path.dirname(os.fspath(file))
    if directory:
        os.makedirs(directory, exist_ok=True)
    figure.savefig(file)
    return os.fspath(file)


def save_sample_grid(images, num_levels, file, ncols=None, title=None):
    """Writes a PNG grid of images (e.g. samples). Returns the file name."""
    grid = image_grid(images, num_levels, ncols=ncols)
    scale = 6.0 / max(grid.shape[:2])
    width, height = max(2.0, grid.shape[1] * scale), max(2.0, grid.shape[0] * scale)
    figure = _figure(width, height + (0.4 if title else 0.0))
    ax = figure.add_axes([0.02, 0.02, 0.96, (height - 0.04) / (height + (0.4 if title else 0))])
    ax.imshow(grid, interpolation="nearest")
    ax.set_axis_off()
    if title:
        figure.suptitle(title, fontsize=10)
    return _save(figure, file)


def save_multiscale_grid(small, large, num_levels, file, ncols=None, title=None):
    """Writes a PNG of a multi-scale model's samples: the small images (shown at the full
    size) beside the full images made given them, in the same grid order."""
    small, large = np.asarray(small), np.asarray(large)
    fh, fw = large.shape[1] // small.shape[1], large.shape[2] // small.shape[2]
    shown = np.repeat(np.repeat(small, fh, axis=1), fw, axis=2)
    grids = [image_grid(shown, num_levels, ncols=ncols), image_grid(large, num_levels,
                                                                    ncols=ncols)]
    height, width = grids[0].shape[:2]
    scale = 4.0 / max(height, width)
    figure = _figure(2 * width * scale + 0.6, height * scale + 0.5 + (0.4 if title else 0.0))
    names = [f"small images ({small.shape[1]}x{small.shape[2]}), sampled first",
             f"full images ({large.shape[1]}x{large.shape[2]}) given them"]
    for k, (grid, name) in enumerate(zip(grids, names)):
        ax = figure.add_axes([0.02 + 0.5 * k, 0.02, 0.46, 0.8 if title else 0.88])
        ax.imshow(grid, interpolation="nearest")
        ax.set_title(name, fontsize=8)
        ax.set_axis_off()
    if title:
        figure.suptitle(title, fontsize=10)
    return _save(figure, file)


def occluded_display(images, known_mask, num_levels):
    """Images as float RGB with the hidden pixels painted ``HIDDEN_COLOR``."""
    x = to_display(images, num_levels)
    known = np.asarray(known_mask, dtype=bool)
    if known.ndim == 4:
        known = known.all(axis=-1)
    x[~known] = HIDDEN_COLOR
    return x


def save_completion_figure(originals, known_mask, completions, num_levels, file, title=None):
    """Writes a PNG with one row per image: the occluded input, its completions, the original.

    Args:
        originals: ``(B, H, W, C)`` integer images.
        known_mask: ``(B, H, W)`` or ``(B, H, W, C)`` booleans, True where the pixel was given.
        completions: ``(B, K, H, W, C)`` integer images (``K`` completions per image).
        num_levels: pixel levels of the images.
        file: PNG file to write.
        title: optional figure title.

    Returns:
        The file name.
    """
    originals = np.asarray(originals)
    completions = np.asarray(completions)
    if originals.ndim == 3:
        originals = originals[..., None]
    if completions.ndim == 4:
        completions = completions[..., None]
    if completions.ndim != 5 or completions.shape[0] != originals.shape[0]:
        raise ValueError(f"completions must have shape (B, K, H, W, C) with B = "
                         f"{originals.shape[0]}, got {completions.shape}.")
    rows, k = originals.shape[0], completions.shape[1]
    columns = [occluded_display(originals, known_mask, num_levels)]
    columns += [to_display(completions[:, j], num_levels) for j in range(k)]
    columns.append(to_display(originals, num_levels))
    labels = ["occluded"] + [f"completion {j + 1}" for j in range(k)] + ["original"]
    size = 1.1
    figure = _figure(size * len(columns), size * rows + (0.7 if title else 0.4))
    axes = figure.subplots(rows, len(columns), squeeze=False)
    for r in range(rows):
        for c, column in enumerate(columns):
            ax = axes[r][c]
            ax.imshow(column[r], interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(labels[c], fontsize=7)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.9 if title else 0.94,
                           wspace=0.08, hspace=0.08)
    return _save(figure, file)


def save_training_curves(history, file, title=None):
    """Writes a PNG of bits/dim (training and validation) and the learning rate per epoch.

    Args:
        history: a list of per-epoch dicts (the ``"epochs"`` of ``metrics.json``), or the
            path of a ``metrics.json`` file.
        file: PNG file to write.
        title: optional title.

    Returns:
        The file name.
    """
    if isinstance(history, (str, os.PathLike)):
        import json

        with open(history) as f:
            history = json.load(f)["epochs"]
    if not history:
        raise ValueError("history is empty: no completed epoch to plot.")
    epochs = [entry["epoch"] for entry in history]
    figure = _figure(8.0, 3.2)
    left, right = figure.subplots(1, 2)
    for key, label in (("bits_per_dim", "train"), ("val_bits_per_dim", "validation")):
        values = [entry.get(key) for entry in history]
        if any(v is not None for v in values):
            left.plot(epochs, [np.nan if v is None else v for v in values], marker="o",
                      markersize=3, label=label)
    from matplotlib.ticker import MaxNLocator

    for ax in (left, right):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_xlabel("epoch")
    left.set_ylabel("bits/dim")
    left.grid(alpha=0.3)
    left.legend(fontsize=8)
    rates = [entry.get("learning_rate") for entry in history]
    if any(r is not None for r in rates):
        right.plot(epochs, [np.nan if r is None else r for r in rates], marker="o",
                   markersize=3, color="tab:green")
    right.set_xlabel("epoch")
    right.set_ylabel("learning rate (end of epoch)")
    right.grid(alpha=0.3)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return _save(figure, file)
