"""Causal masks over space and colour groups (paper §3.4).

Features at every position are split into ``color_channels`` contiguous groups (R, G, B for
colour images, a single group for grey ones). A feature in group ``g`` may see

* every feature of earlier pixels inside the kernel window (rows above the centre, and the
  centre row to the left of the centre), and
* at the centre pixel, features in groups ``< g`` (mask ``"A"``) or ``<= g`` (mask ``"B"``).

Everything to the right of the centre on the centre row, and every row below, is masked out.
"""

import numpy as np

MASK_TYPES = ("A", "B")


def channel_groups(num_features, color_channels, num_chunks=1):
    """Colour group index of each feature along a feature axis.

    The axis is split into ``num_chunks`` equal chunks (for example the four LSTM gates), and
    each chunk into ``color_channels`` contiguous groups of (nearly) equal size, so that the
    feature ``k`` of every chunk belongs to the same colour group.

    Args:
        num_features: length of the feature axis.
        color_channels: number of colour groups (1 or 3 in practice).
        num_chunks: number of equal chunks the axis is made of.

    Returns:
        int array of shape ``(num_features,)`` with values in ``[0, color_channels)``.
    """
    if num_features % num_chunks:
        raise ValueError(
            f"num_features={num_features} is not divisible into num_chunks={num_chunks}."
        )
    chunk = num_features // num_chunks
    within = (np.arange(chunk) * color_channels) // max(chunk, 1)
    return np.tile(within, num_chunks)


def causal_mask(kernel_size, in_features, out_features, mask_type, color_channels,
                out_chunks=1):
    """Builds the 0/1 mask of a masked convolution kernel.

    Args:
        kernel_size: ``(kh, kw)``, both odd.
        in_features: number of input features.
        out_features: number of output features.
        mask_type: ``"A"`` (a colour does not see itself at the centre) or ``"B"`` (it does).
        color_channels: number of colour groups.
        out_chunks: the output features form this many equal chunks, each grouped on its own.

    Returns:
        float32 array of shape ``(kh, kw, in_features, out_features)``.
    """
    kh, kw = kernel_size
    if kh % 2 == 0 or kw % 2 == 0:
        raise ValueError(f"kernel_size must be odd in both dimensions, got {kernel_size}.")
    if mask_type not in MASK_TYPES:
        raise ValueError(f"mask_type must be 'A' or 'B', got {mask_type!r}.")
    ch, cw = kh // 2, kw // 2
    mask = np.zeros((kh, kw, in_features, out_features), dtype="float32")
    mask[:ch] = 1.0
    mask[ch, :cw] = 1.0
    g_in = channel_groups(in_features, color_channels)[:, None]
    g_out = channel_groups(out_features, color_channels, out_chunks)[None, :]
    centre = g_in < g_out if mask_type == "A" else g_in <= g_out
    mask[ch, cw] = centre.astype("float32")
    return mask
