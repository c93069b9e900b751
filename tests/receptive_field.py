"""Reference receptive fields, written from the paper's description of each layer.

Independently of the package's code, these functions say which (pixel, colour group) nodes of
a layer's input every output node may depend on, as boolean matrices ``R[out, in]`` over nodes
ordered like sub-pixels: raster order over pixels, then colour group. Composing them gives the
receptive field of a whole model, which the perturbation tests compare with what the real
network does.
"""

import numpy as np


def node(i, j, g, width, groups):
    return (i * width + j) * groups + g


def identity(height, width, groups):
    return np.eye(height * width * groups, dtype=bool)


def compose(*relations):
    """``compose(A, B)`` is "A after B": out of A ← in of B."""
    result = relations[-1]
    for relation in reversed(relations[:-1]):
        result = (relation.astype(np.int64) @ result.astype(np.int64)) > 0
    return result


def masked_conv(height, width, groups, kernel_size, mask_type):
    """A masked convolution: rows above in the window, the row's left part, and at the centre
    the colour groups before (mask A) or up to (mask B) the output's group."""
    kh, kw = kernel_size
    n = height * width * groups
    rel = np.zeros((n, n), dtype=bool)
    for i in range(height):
        for j in range(width):
            for g in range(groups):
                out = node(i, j, g, width, groups)
                for di in range(-(kh // 2), 1):
                    for dj in range(-(kw // 2), kw // 2 + 1):
                        ii, jj = i + di, j + dj
                        if not (0 <= ii < height and 0 <= jj < width):
                            continue
                        if di < 0 or dj < 0:
                            seen = range(groups)
                        elif dj == 0:
                            seen = range(g) if mask_type == "A" else range(g + 1)
                        else:
                            continue
                        for gg in seen:
                            rel[out, node(ii, jj, gg, width, groups)] = True
    return rel


def _own_pixel(rel, i, j, g, width, groups, out):
    for gg in range(g + 1):
        rel[out, node(i, j, gg, width, groups)] = True


def row_lstm(height, width, groups):
    """State (i, j, g) ← input (i, j-1, all), input (i, j, ≤g), state (i-1, j-1..j+1, all)."""
    n = height * width * groups
    rel = np.zeros((n, n), dtype=bool)
    for i in range(height):
        for j in range(width):
            for g in range(groups):
                out = node(i, j, g, width, groups)
                _own_pixel(rel, i, j, g, width, groups, out)
                if j > 0:
                    for gg in range(groups):
                        rel[out, node(i, j - 1, gg, width, groups)] = True
                if i > 0:
                    for jj in range(max(j - 1, 0), min(j + 2, width)):
                        for gg in range(groups):
                            rel[out] |= rel[node(i - 1, jj, gg, width, groups)]
    return rel


def diagonal_lstm(height, width, groups, direction=1):
    """State (i, j, g) ← input (i, j, ≤g), state (i-1, j, all), state (i, j-direction, all)."""
    n = height * width * groups
    rel = np.zeros((n, n), dtype=bool)
    columns = range(width) if direction == 1 else range(width - 1, -1, -1)
    for i in range(height):
        for j in columns:
            for g in range(groups):
                out = node(i, j, g, width, groups)
                _own_pixel(rel, i, j, g, width, groups, out)
                for ii, jj in ((i - 1, j), (i, j - direction)):
                    if 0 <= ii < height and 0 <= jj < width:
                        for gg in range(groups):
                            rel[out] |= rel[node(ii, jj, gg, width, groups)]
    return rel


def diagonal_bilstm(height, width, groups):
    """Left-to-right state at (i, j) plus the right-to-left state at (i-1, j)."""
    rel = diagonal_lstm(height, width, groups, 1).copy()
    right_to_left = diagonal_lstm(height, width, groups, -1)
    row = width * groups
    rel[row:] |= right_to_left[:-row]
    return rel


def residual_block(height, width, groups, kind, kernel_size=3, residual=True):
    shape = (height, width, groups)
    one_by_one = masked_conv(*shape, (1, 1), "B")
    if kind == "pixel_cnn":
        core = compose(masked_conv(*shape, (kernel_size, kernel_size), "B"), one_by_one)
    elif kind == "row_lstm":
        core = row_lstm(*shape)
    else:
        core = diagonal_bilstm(*shape)
    rel = compose(one_by_one, core)
    return rel | identity(*shape) if residual else rel


def model(height, width, groups, kind, num_layers, kernel_size=3, residual=True):
    """The paper's architecture: 7×7 mask A, residual blocks, skip connections, 1×1 head."""
    shape = (height, width, groups)
    x = masked_conv(*shape, (7, 7), "A")
    skips = np.zeros_like(x)
    for _ in range(num_layers):
        x = compose(residual_block(*shape, kind, kernel_size, residual), x)
        skips |= x
    one_by_one = masked_conv(*shape, (1, 1), "B")
    return compose(one_by_one, one_by_one, one_by_one, skips)


def strictly_earlier(height, width, groups):
    """R[out, in] = True iff sub-pixel ``in`` comes before ``out``: full autoregressive
    context."""
    n = height * width * groups
    return np.tril(np.ones((n, n), dtype=bool), k=-1)
