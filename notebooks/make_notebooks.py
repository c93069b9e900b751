"""Writes the tutorial notebooks of this folder (edit them here, then run this script).

    python notebooks/make_notebooks.py          # rewrites notebooks/*.ipynb, without outputs

Each notebook runs top to bottom offline. Its first code cell holds its parameters and is
tagged "parameters" (papermill's convention): tests/test_notebooks.py runs every notebook
with small values there, and `papermill -p EPOCHS 2 ...` works too.
"""

import os
import textwrap

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))


def md(text):
    return ("markdown", textwrap.dedent(text).strip())


def code(text):
    return ("code", textwrap.dedent(text).strip())


def params(text):
    return ("parameters", textwrap.dedent(text).strip())


# ---------------------------------------------------------------------------------------------
QUICKSTART = [
    md("""
    # PixelRNN quickstart: train, measure, sample and complete digits

    PixelRNN and PixelCNN (van den Oord, Kalchbrenner and Kavukcuoglu, *Pixel Recurrent Neural
    Networks*, ICML 2016) model an image as a sequence of pixels read in raster order, row by
    row, and predict each one from all those before it:

    $$p(\\mathbf{x}) = \\prod_{i=1}^{H \\cdot W} p(x_i \\mid x_1, \\dots, x_{i-1}).$$

    Each conditional is a **softmax over the pixel's possible values**, so the model gives the
    exact likelihood of any image, can draw new images pixel by pixel, and can fill in the
    missing part of an image.

    In this notebook we:

    1. load the small `digits` dataset that ships with the package (8×8 images, 17 grey levels,
       no download);
    2. build a model from a preset and train it with `model.fit`;
    3. measure its exact test negative log-likelihood in **bits per dimension**;
    4. sample new digits and complete digits whose bottom half is hidden.

    It takes a few minutes on a laptop CPU.
    """),
    params("""
    # Parameters (tests run this notebook with smaller values).
    PRESET = "digits_row_lstm"  # also digits_pixel_cnn (fastest) and digits_diagonal_bilstm
    EPOCHS = 15
    STEPS_PER_EPOCH = None      # None: one pass over the 1,500 training digits per epoch
    MODEL_OVERRIDES = {}        # e.g. {"num_layers": 2, "hidden_dim": 8} for a smaller model
    NUM_SAMPLES = 16
    NUM_COMPLETIONS = 4
    SEED = 0
    """),
    code("""
    import math

    import keras
    import matplotlib.pyplot as plt
    import numpy as np

    import keras_pixelrnn as kp

    keras.utils.set_random_seed(SEED)
    """),
    md("""
    ## 1. Data

    `kp.data.load` returns a `tf.data.Dataset` of **integer** image batches `(B, H, W, C)`:
    a PixelRNN takes pixel values, not floats, and it needs no labels. `info` tells the model
    what it needs to know: the image shape and the number of levels.
    """),
    code("""
    train, info = kp.data.load("digits", split="train", batch_size=16, with_info=True)
    test_images = np.asarray(next(iter(kp.data.load("digits", split="test", batch_size=297))))
    print(info)
    print("a batch:", next(iter(train)).shape, "values from", test_images.min(), "to",
          test_images.max())

    plt.figure(figsize=(4, 4))
    plt.imshow(kp.figures.image_grid(test_images[:36], info.num_levels))
    plt.axis("off")
    plt.title("test digits (8x8, 17 levels)");
    """),
    md("""
    ## 2. Model

    Presets hold the paper's settings (`binarized_mnist_*`, `cifar10_*`, `imagenet*`) and
    small ones for this data (`digits_*`). Every model maps images `(B, H, W, C)` to logits
    `(B, H, W, C, num_levels)`: for every sub-pixel, a distribution over its values that
    depends only on the sub-pixels before it (the masks and the recurrences guarantee it; the
    package's tests check it for every family).
    """),
    code("""
    print(kp.models.list_presets())
    model = kp.models.from_preset(PRESET, **MODEL_OVERRIDES)
    print(f"{model.name}: {model.count_params():,} parameters")
    print("logits:", model.output_shape)
    """),
    md("""
    ## 3. Training

    `compile` needs no loss: the default is the negative log-likelihood (mean nats per
    sub-pixel), and the model reports **bits/dim**, the NLL in bits divided by the number of
    sub-pixels. RMSProp is the paper's optimizer; `fit` takes the images alone.
    """),
    code("""
    model.compile(optimizer=keras.optimizers.RMSprop(5e-3, clipnorm=1.0))
    history = model.fit(train.repeat() if STEPS_PER_EPOCH else train, epochs=EPOCHS,
                        steps_per_epoch=STEPS_PER_EPOCH, verbose=2,
                        shuffle=False)   # kp.data.load shuffles the training split itself

    plt.figure(figsize=(5, 3))
    plt.plot(range(1, EPOCHS + 1), history.history["bits_per_dim"], marker="o")
    plt.xlabel("epoch")
    plt.ylabel("training bits/dim")
    plt.grid(alpha=0.3);
    """),
    md("""
    ## 4. Exact test likelihood

    The likelihood is exact (no bound, no sampling): `kp.evaluate` sums the log-probabilities
    of every sub-pixel of every test image. A model that knows nothing gives every one of the
    17 levels the same probability, log2(17) ≈ 4.09 bits/dim; everything below is what the
    model learnt about digits.
    """),
    code("""
    result = kp.evaluate(model, dataset="digits", verbose=0)
    uniform = math.log2(info.num_levels)
    print(f"test NLL: {result['nats_per_image']:.1f} nats/image = "
          f"{result['bits_per_dim']:.3f} bits/dim on {result['num_images']} test digits "
          f"(uniform: {uniform:.3f} bits/dim)")

    per_image = kp.bits_per_dim(model, test_images)   # (B,) for single images
    best, worst = np.argsort(per_image)[[0, -1]]
    print(f"most likely test digit: {per_image[best]:.2f} bits/dim, least likely: "
          f"{per_image[worst]:.2f}")
    """),
    md("""
    ## 5. Sampling

    Sampling draws the pixels one at a time, each from the softmax given everything drawn so
    far. `kp.sampling.sample` caches the network's intermediate states so that each step only
    computes what the new pixel changes: about one forward pass per image instead of one per
    pixel. `temperature < 1` sharpens the softmax (cleaner, less varied digits).
    """),
    code("""
    samples = kp.sampling.sample(model, NUM_SAMPLES, seed=SEED)
    cool = kp.sampling.sample(model, NUM_SAMPLES, seed=SEED, temperature=0.7)

    fig, axes = plt.subplots(1, 2, figsize=(8, 4))
    for ax, images, title in [(axes[0], samples, "temperature 1.0"),
                              (axes[1], cool, "temperature 0.7")]:
        ax.imshow(kp.figures.image_grid(images, info.num_levels))
        ax.set_title(title)
        ax.axis("off")
    """),
    md("""
    ## 6. Completion

    Hide the bottom half of some test digits and let the model fill it in. Because the
    model reads in raster order, the visible top half is exactly what it conditions on.
    Each completion is a different sample: the model's uncertainty shows as variety.
    """),
    code("""
    originals = test_images[:6]
    known = np.zeros(originals.shape[:3], bool)
    known[:, : info.image_shape[0] // 2] = True          # top half given

    completed = kp.sampling.complete(
        model, np.repeat(originals, NUM_COMPLETIONS, axis=0),
        np.repeat(known, NUM_COMPLETIONS, axis=0), seed=SEED)
    completed = completed.reshape((len(originals), NUM_COMPLETIONS) + completed.shape[1:])

    columns = ([kp.figures.occluded_display(originals, known, info.num_levels)]
               + [kp.figures.to_display(completed[:, k], info.num_levels)
                  for k in range(NUM_COMPLETIONS)]
               + [kp.figures.to_display(originals, info.num_levels)])
    titles = ["input"] + [f"sample {k + 1}" for k in range(NUM_COMPLETIONS)] + ["original"]
    fig, axes = plt.subplots(len(originals), len(columns),
                             figsize=(1.2 * len(columns), 1.2 * len(originals)))
    for r in range(len(originals)):
        for c, column in enumerate(columns):
            axes[r, c].imshow(column[r])
            axes[r, c].axis("off")
            if r == 0:
                axes[r, c].set_title(titles[c], fontsize=8)
    """),
    md("""
    ## Next

    * The same run from the command line, resumable, with checkpoints and TensorBoard logs:
      `python -m keras_pixelrnn train --workdir=runs/digits --preset=digits_row_lstm --epochs=15`,
      then `evaluate`, `sample` and `complete` with the same `--workdir`.
    * Pretrained MNIST models: `kp.zoo.list_models()` and `02_completion.ipynb`.
    * What one pixel's softmax looks like: `03_pixel_distribution.ipynb`.
    * Serving with TF Serving: `04_serving.ipynb`.
    """),
]

# ---------------------------------------------------------------------------------------------
COMPLETION = [
    md("""
    # Completing occluded digits with a pretrained PixelRNN

    Figure 1 of the PixelRNN paper shows images whose bottom half was hidden, next to
    several completions drawn by the model. Here we do the same on MNIST digits with a
    pretrained **Diagonal BiLSTM** from the model zoo (`kp.zoo`), trained on 4,500 binarized
    MNIST digits; the digits we complete are 500 validation digits it never saw.

    Everything is offline: the model comes from `saved_models/` of this repository and the
    digits from the `binarized_mnist_5k` dataset (5,000 real MNIST digits, see
    `kp.data.get_info("binarized_mnist_5k")`).
    """),
    params("""
    # Parameters (tests run this notebook with smaller values and their own models).
    MODEL_NAME = "binarized_mnist_5k_diagonal_bilstm"
    NUM_DIGITS = 6
    NUM_COMPLETIONS = 4
    SEED = 0
    DATA_DIR = None     # folder of mnist_train_5k.npz (default: found beside the checkout)
    """),
    code("""
    import matplotlib.pyplot as plt
    import numpy as np
    from IPython.display import Markdown, display

    import keras_pixelrnn as kp
    """),
    md("""
    ## The model and its card

    `kp.zoo.load(name)` returns an ordinary `keras.Model`. Every zoo model has a model card
    that says what data it saw, how it was trained, how long it took and its held-out
    log-likelihood next to the paper's.
    """),
    code("""
    print("available:", kp.zoo.list_models())
    model = kp.zoo.load(MODEL_NAME)
    entry = kp.zoo.info(MODEL_NAME)
    print(f"{MODEL_NAME} v{entry.latest}: images {model.image_shape}, {model.num_levels} "
          f"levels, {model.count_params():,} parameters")
    display(Markdown(entry.card_text() or "(no model card)"))
    """),
    md("""
    ## Validation digits

    `binarized_mnist_5k` is binarized the standard way: each pixel is black or white at
    random with probability given by its grey level, drawn once with a fixed seed. (A
    threshold at 0.5 would give much cleaner images and incomparably low NLLs.)
    """),
    code("""
    data, info = kp.data.load("binarized_mnist_5k", split="validation", batch_size=NUM_DIGITS,
                              shuffle=False, data_dir=DATA_DIR, with_info=True)
    kp.data.check_compatible(info, model.image_shape, model.num_levels)
    originals = np.asarray(next(iter(data)), "int32")
    print(originals.shape, "values:", np.unique(originals))
    """),
    md("""
    ## Hide the bottom half, sample the rest

    `known_mask` is True where a pixel is given. `kp.sampling.complete` keeps those pixels
    and draws the others in raster order, each from the model's softmax given every pixel
    above and to the left, given or sampled. With the bottom half hidden, everything the model
    could condition on is the visible top half: the completion is an exact sample of
    p(bottom | top).

    We repeat each digit `NUM_COMPLETIONS` times: each copy gets its own random draws.
    """),
    code("""
    height = model.image_shape[0]
    known = np.zeros(originals.shape[:3], bool)
    known[:, : height // 2] = True

    completed = kp.sampling.complete(
        model, np.repeat(originals, NUM_COMPLETIONS, axis=0),
        np.repeat(known, NUM_COMPLETIONS, axis=0), seed=SEED)
    completed = completed.reshape((NUM_DIGITS, NUM_COMPLETIONS) + originals.shape[1:])
    assert (completed[:, :, : height // 2] == originals[:, None, : height // 2]).all()
    """),
    code("""
    def show_grid(originals, known, completed, levels, title):
        columns = ([kp.figures.occluded_display(originals, known, levels)]
                   + [kp.figures.to_display(completed[:, k], levels)
                      for k in range(completed.shape[1])]
                   + [kp.figures.to_display(originals, levels)])
        names = (["occluded"] + [f"completion {k + 1}" for k in range(completed.shape[1])]
                 + ["original"])
        rows = len(originals)
        fig, axes = plt.subplots(rows, len(columns), squeeze=False,
                                 figsize=(1.3 * len(columns), 1.3 * rows))
        for r in range(rows):
            for c, column in enumerate(columns):
                axes[r, c].imshow(column[r], interpolation="nearest")
                axes[r, c].set_xticks([])
                axes[r, c].set_yticks([])
                if r == 0:
                    axes[r, c].set_title(names[c], fontsize=8)
        fig.suptitle(title)
        plt.show()

    show_grid(originals, known, completed, model.num_levels,
              f"{MODEL_NAME}: bottom half hidden (red), {NUM_COMPLETIONS} completions each")
    """),
    md("""
    ## How likely are the completions?

    The model also scores images exactly. Compare the log-likelihood of each completion with
    the original's: the original is one plausible completion among many, and often not the
    most likely one, since many different bottom halves fit the same top.
    """),
    code("""
    flat = completed.reshape((-1,) + originals.shape[1:])
    completion_nll = -kp.log_prob(model, flat).reshape(NUM_DIGITS, NUM_COMPLETIONS)
    original_nll = -kp.log_prob(model, originals)
    for d in range(NUM_DIGITS):
        values = ", ".join(f"{v:.1f}" for v in completion_nll[d])
        print(f"digit {d}: original {original_nll[d]:.1f} nats; completions {values}")
    """),
    md("""
    ## Temperature

    Dividing the logits by a temperature below 1 sharpens every softmax: completions get
    cleaner strokes and less variety; above 1 they get noisier.
    """),
    code("""
    rows = min(NUM_DIGITS, 3)
    for temperature in (0.5, 1.5):
        hot = kp.sampling.complete(model, np.repeat(originals[:rows], NUM_COMPLETIONS, 0),
                                   np.repeat(known[:rows], NUM_COMPLETIONS, 0), seed=SEED,
                                   temperature=temperature)
        hot = hot.reshape((rows, NUM_COMPLETIONS) + originals.shape[1:])
        show_grid(originals[:rows], known[:rows], hot, model.num_levels,
                  f"temperature {temperature}")
    """),
    md("""
    ## A word on other occlusions

    An autoregressive model only conditions on the past. With the *top* half hidden, the
    model samples the top without looking at the given bottom (it only sees it afterwards,
    which it cannot use). The bottom-half completion shown here, the paper's setting, is
    exact; for other masks `kp.sampling.complete` is still correct about what it conditions
    on, but ignores the given pixels that come later in raster order.

    Same figure from the command line, for a model you trained:
    `python -m keras_pixelrnn complete --workdir=RUN --occlude=bottom_half`.
    """),
]

# ---------------------------------------------------------------------------------------------
PIXEL_DISTRIBUTION = [
    md("""
    # What a PixelRNN predicts for one pixel: a 256-way softmax

    Most image models put a continuous density (a Gaussian, a mixture of logistics) on a
    pixel's value. The PixelRNN paper instead treats each 8-bit sub-pixel as a **categorical
    variable with 256 values** and predicts it with a softmax. That makes no assumption about
    the shape of the distribution, and the paper found it trains better (CIFAR-10: 3.06
    bits/dim, against 3.22 for a mixture of conditional Gaussian scale mixtures).

    The paper's Figure 6 shows what these softmaxes learn: although the model is never told
    that 51 and 52 are neighbouring values, its distributions are meaningful, and they can be
    multimodal, skewed, peaked or long-tailed; the values 0 and 255 often get much more
    probability than their neighbours, because they are more frequent. We look at the same
    thing with a pretrained Diagonal BiLSTM trained on 8-bit MNIST digits (`mnist_5k`).
    """),
    params("""
    # Parameters (tests run this notebook with smaller values and their own models).
    MODEL_NAME = "mnist_5k_diagonal_bilstm"
    NUM_IMAGES = 8
    IMAGE_INDEX = 0      # the digit whose pixels we look at
    DATA_DIR = None      # folder of mnist_train_5k.npz (default: found beside the checkout)
    """),
    code("""
    import matplotlib.pyplot as plt
    import numpy as np

    import keras_pixelrnn as kp

    model = kp.zoo.load(MODEL_NAME)
    print(f"{MODEL_NAME}: images {model.image_shape}, {model.num_levels} levels, "
          f"{model.count_params():,} parameters")
    images = np.asarray(next(iter(kp.data.load("mnist_5k", split="validation",
                                                 batch_size=NUM_IMAGES, shuffle=False,
                                                 data_dir=DATA_DIR))), "int32")
    print(images.shape, images.dtype, "values from", images.min(), "to", images.max())
    """),
    md("""
    ## One forward pass gives every pixel's distribution

    `model.predict(images)` returns logits of shape `(B, H, W, C, 256)`. `logits[b, i, j, c]`
    is the model's prediction for sub-pixel `(i, j, c)` of image `b` **given the true values
    of every pixel before it** (above, and to the left in the same row). This is how the
    model is trained and how its likelihood is computed: all conditionals at once, in
    parallel, from the real image. (Sampling instead feeds the model its own draws, one
    pixel at a time.)
    """),
    code("""
    logits = model.predict(images, verbose=0)
    print("logits:", logits.shape)

    def softmax(x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    probs = softmax(logits.astype("float64"))[..., 0, :]       # (B, H, W, 256), grey: C = 1
    entropy = -(probs * np.log2(np.maximum(probs, 1e-30))).sum(-1)   # bits, (B, H, W)
    truth_p = np.take_along_axis(probs, images[..., 0:1], axis=-1)[..., 0]
    print(f"mean entropy {entropy.mean():.2f} bits per pixel (uniform: 8 bits); "
          f"NLL {-np.log(truth_p).sum(axis=(1, 2)).mean():.1f} nats/image")
    """),
    md("""
    ## Where is the model unsure?

    The entropy of each pixel's softmax, in bits, and the cost of the true value. Background
    far from the digit is certain; the uncertainty sits on and around the strokes: where a
    stroke starts (the model cannot know it from the pixels above) and at the grey,
    anti-aliased edges, whose exact level is hard to guess.
    """),
    code("""
    b = IMAGE_INDEX
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
    axes[0].imshow(images[b, ..., 0], cmap="gray", vmin=0, vmax=255)
    axes[0].set_title("digit")
    im = axes[1].imshow(entropy[b], cmap="magma")
    axes[1].set_title("entropy of the softmax (bits)")
    fig.colorbar(im, ax=axes[1])
    im = axes[2].imshow(-np.log2(np.maximum(truth_p[b], 1e-30)), cmap="magma")
    axes[2].set_title("-log2 p(true value) (bits)")
    fig.colorbar(im, ax=axes[2])
    for ax in axes:
        ax.axis("off")
    """),
    md("""
    ## The softmax of single pixels

    Four pixels of the digit, picked by what the model predicts there: where it is least
    sure, where it hesitates most between black (0–15) and white (240–255), where it is
    surest of ink and where it is surest of background. Red marks the true value. Orange is
    a Gaussian with the same mean and variance, a single-mode continuous output: it spreads
    its mass over grey values that the softmax avoids, and it cannot have the spikes at
    black and white.
    """),
    code("""
    values = np.arange(256)
    low, high = probs[..., :16].sum(-1), probs[..., 240:].sum(-1)   # near black, near white
    picks = {"least sure": entropy[b], "black or white?": np.minimum(low[b], high[b]),
             "surest ink": high[b], "surest background": probs[b, ..., 0]}

    fig, axes = plt.subplots(len(picks), 1, figsize=(8, 2 * len(picks)), sharex=True)
    for ax, (what, score) in zip(axes, picks.items()):
        i, j = np.unravel_index(np.argmax(score), score.shape)
        p = probs[b, i, j]
        mean = (values * p).sum()
        std = max(np.sqrt(((values - mean) ** 2 * p).sum()), 0.5)
        gauss = np.exp(-0.5 * ((values - mean) / std) ** 2)
        ax.bar(values, p, width=1.0, label="softmax")
        ax.plot(values, gauss / gauss.sum(), color="tab:orange",
                label="Gaussian, same mean and variance")
        ax.axvline(images[b, i, j, 0], color="red", linewidth=1, label="true value")
        ax.set_ylabel("p")
        ax.set_title(f"{what}: pixel ({i}, {j}), true value {images[b, i, j, 0]}, "
                     f"entropy {entropy[b, i, j]:.2f} bits", fontsize=9)
    axes[0].legend(fontsize=7)
    axes[-1].set_xlabel("pixel value");
    """),
    md("""
    ## Peaks at black and white, over the whole batch

    Over every pixel where the model is unsure (entropy above 1 bit), compare the probability
    it gives to black (exactly 0) and to the brightest values (250–255: MNIST's ink saturates
    just below 255, mostly at 252–254) with what it gives an average grey value, and with how
    often these values really occur there.
    """),
    code("""
    uncertain = entropy > 1.0
    p = probs[uncertain]                                   # (N, 256)
    truth = images[..., 0][uncertain]
    print(f"{uncertain.sum()} of {entropy.size} pixels have more than 1 bit of entropy")
    if len(p):
        print(f"model: p(0) = {p[:, 0].mean():.3f}, p(v) for an average v in 250-255: "
              f"{p[:, 250:].mean():.3f}, for an average v in 1-249: {p[:, 1:250].mean():.4f}")
        print(f"data at those pixels: 0 in {np.mean(truth == 0):.1%}, an average v in "
              f"250-255 in {np.mean(truth >= 250) / 6:.1%}, an average v in 1-249 in "
              f"{np.mean((truth > 0) & (truth < 250)) / 249:.2%}")

        plt.figure(figsize=(8, 2.8))
        plt.semilogy(values, p.mean(0), label="mean softmax")
        counts = np.bincount(truth, minlength=256) / len(truth)
        plt.semilogy(values, np.where(counts > 0, counts, np.nan), ".", markersize=3,
                     label="frequency of the true values")
        plt.xlabel("pixel value")
        plt.legend(fontsize=8)
        plt.title("the uncertain pixels: what the model predicts, what occurs");
    """),
    md("""
    ## Why it matters

    * The softmax is exact for discrete data: the NLL it reports is a real code length
      (bits/dim), comparable across models.
    * It can take any shape: spikes at black and at saturated white, several modes,
      skew, or a flat guess where the model knows nothing (an untrained model gives about
      8 bits of entropy everywhere).
    * The price is 256 outputs per sub-pixel (3 × 256 logits per RGB pixel), cheap next to
      the recurrent layers.
    """),
]

# ---------------------------------------------------------------------------------------------
SERVING = [
    md("""
    # Serving a PixelRNN with TensorFlow Serving

    `kp.export.export_saved_model` writes a model as a TensorFlow **SavedModel** with
    signatures for the exact log-likelihood, sampling and completion. It is plain
    TensorFlow: TF Serving, `tf.saved_model.load` or `saved_model_cli` serve it without this
    package. In this notebook we

    1. train a small model on the embedded digits (a minute);
    2. export it in TF Serving's layout and inspect it with `saved_model_cli`;
    3. write the JSON bodies of REST requests;
    4. answer them with the SavedModel's signatures, as TF Serving would, and check the
       answers against the Python API.

    No server is started here (that needs Docker; the command is below).
    """),
    params("""
    # Parameters (tests run this notebook with smaller values).
    EPOCHS = 5
    STEPS_PER_EPOCH = None
    MODEL_KWARGS = dict(num_layers=2, hidden_dim=16)
    EXPORT_DIR = "serving/pixelrnn"   # TF Serving's --model_base_path
    NUM_SAMPLES = 4
    """),
    code("""
    import json
    import os
    import subprocess
    import sys

    import keras
    import matplotlib.pyplot as plt
    import numpy as np
    import tensorflow as tf

    import keras_pixelrnn as kp
    """),
    md("""
    ## 1. A model to serve

    A PixelCNN on the 8×8 `digits` (17 grey levels).
    """),
    code("""
    keras.utils.set_random_seed(0)
    train = kp.data.load("digits", split="train", batch_size=16)
    test_images = np.asarray(next(iter(kp.data.load("digits", split="test", batch_size=8))),
                             "int32")
    model = kp.models.pixel_cnn(image_shape=(8, 8, 1), num_levels=17, **MODEL_KWARGS)
    model.compile(optimizer=keras.optimizers.RMSprop(5e-3))
    model.fit(train.repeat() if STEPS_PER_EPOCH else train, epochs=EPOCHS,
              steps_per_epoch=STEPS_PER_EPOCH, verbose=2, shuffle=False);
    """),
    md("""
    ## 2. Export

    With `version=1` the SavedModel goes to `EXPORT_DIR/1/`: TF Serving watches the base path
    and serves the highest integer version (export `version=2` beside it and it switches
    over). Request limits are fixed at export (`max_samples`, `max_batch`) so that one request
    cannot exhaust the server.
    """),
    code("""
    path = kp.export.export_saved_model(model, EXPORT_DIR, version=1, max_samples=64,
                                        overwrite=True)
    for folder, _, files in sorted(os.walk(EXPORT_DIR)):
        for name in sorted(files):
            print(os.path.join(folder, name))
    print(json.dumps(kp.export.read_metadata(path), indent=1))
    """),
    md("""
    ## 3. What TF Serving will see: `saved_model_cli show --all`

    The command-line tool that ships with TensorFlow lists each signature's inputs and
    outputs with their dtypes and shapes (`-1` is a free dimension). We print the signature
    part of its output.
    """),
    code("""
    import shutil

    cli = shutil.which("saved_model_cli") or os.path.join(os.path.dirname(sys.executable),
                                                          "saved_model_cli")
    shown = subprocess.run([cli, "show", "--all", "--dir", path], capture_output=True,
                           text=True, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    signatures = shown.stdout.split("The MetaGraph with tag set")[0]   # then ops, functions
    print(signatures)
    """),
    md("""
    ## 4. REST requests

    Start the server with

    ```bash
    docker run --rm -p 8501:8501 --mount type=bind,source="$PWD/serving/pixelrnn",target=/models/pixelrnn \\
        -e MODEL_NAME=pixelrnn -t tensorflow/serving
    ```

    and `POST` JSON to `http://localhost:8501/v1/models/pixelrnn:predict`. The bodies use
    the **columnar** `"inputs"` format: the row format (`"instances"`) needs every input to
    share a batch dimension, and `sample`'s inputs (a count and a seed) have none.
    Images are integer pixel values; in `complete`, hidden values are ignored (we send -1).
    """),
    code("""
    known = np.zeros(test_images.shape, bool)
    known[:, :4] = True                                     # top half given
    bodies = {
        "log_prob": {"signature_name": "log_prob",
                     "inputs": {"images": test_images[:2].tolist()}},
        "sample": {"signature_name": "sample",
                   "inputs": {"num_samples": NUM_SAMPLES, "seed": [1, 2]}},
        "complete": {"signature_name": "complete",
                     "inputs": {"images": np.where(known, test_images, -1)[:2].tolist(),
                                "known_mask": known[:2].tolist(), "seed": [7, 0]}},
    }
    os.makedirs("requests", exist_ok=True)
    for name, body in bodies.items():
        with open(f"requests/{name}.json", "w") as f:
            json.dump(body, f)
        text = json.dumps(body)
        print(f"{name}: {len(text):,} bytes  {text[:150]}{' ...' if len(text) > 150 else ''}")
    print("\\ncurl -d @requests/sample.json http://localhost:8501/v1/models/pixelrnn:predict")
    """),
    md("""
    ## 5. Answering them as TF Serving would

    TF Serving loads the SavedModel, looks up the signature named in the request, converts
    each JSON input to a tensor of the dtype the signature declares, runs it, and answers
    `{"outputs": {...}}` (or the bare value when the signature has a single output). The
    same takes a few lines with `tf.saved_model.load`, in a process that needs nothing but
    TensorFlow.
    """),
    code("""
    loaded = tf.saved_model.load(path)
    print("signatures:", sorted(loaded.signatures))

    def predict(body):
        fn = loaded.signatures[body.get("signature_name", "serving_default")]
        specs = fn.structured_input_signature[1]
        outputs = fn(**{k: tf.constant(v, specs[k].dtype) for k, v in body["inputs"].items()})
        outputs = {k: v.numpy().tolist() for k, v in outputs.items()}
        return {"outputs": next(iter(outputs.values())) if len(outputs) == 1 else outputs}

    answers = {name: predict(json.loads(json.dumps(body))) for name, body in bodies.items()}
    print("log_prob:", answers["log_prob"]["outputs"])
    """),
    md("""
    The served numbers are the Python API's: the same log-likelihoods, and for the same
    seed the same samples (`seed=[a, b]` in a request is `seed=(a, b)` in
    `kp.sampling.sample`).
    """),
    code("""
    served_lp = np.array(answers["log_prob"]["outputs"]["log_prob"])
    np.testing.assert_allclose(served_lp, kp.log_prob(model, test_images[:2]), rtol=1e-5)

    served_samples = np.array(answers["sample"]["outputs"])
    assert (served_samples == kp.sampling.sample(model, NUM_SAMPLES, seed=(1, 2))).all()
    served_completed = np.array(answers["complete"]["outputs"])
    assert (served_completed[:, :4] == test_images[:2, :4]).all()     # given pixels kept
    print("served answers equal the Python API's")

    fig, axes = plt.subplots(1, 2, figsize=(6, 3))
    axes[0].imshow(kp.figures.image_grid(served_samples, 17))
    axes[0].set_title("served samples")
    axes[1].imshow(kp.figures.image_grid(served_completed, 17, ncols=2))
    axes[1].set_title("served completions")
    for ax in axes:
        ax.axis("off")
    """),
    md("""
    ## Bad requests fail early, with a message

    Inputs are validated *inside* the graph, so TF Serving clients get the check too: a
    pixel value outside `[0, 17)` or too many samples is an `INVALID_ARGUMENT` error (HTTP
    400) that says what was expected, before any work is done.
    """),
    code("""
    for bad in [{"signature_name": "log_prob", "inputs": {"images": np.full((1, 8, 8, 1), 99).tolist()}},
                {"signature_name": "sample", "inputs": {"num_samples": 1000, "seed": [0, 0]}}]:
        try:
            predict(bad)
        except tf.errors.InvalidArgumentError as err:   # HTTP 400 from TF Serving
            lines = err.message.splitlines()
            reason = next((line for line in lines if "assertion failed" in line), lines[0])
            print(f"{bad['signature_name']}: INVALID_ARGUMENT: {reason}")
    """),
    md("""
    ## Next

    * gRPC, `saved_model_cli run` and more request bodies: `docs/serving.md`.
    * Export a model you trained with the CLI:
      `python -m keras_pixelrnn export --workdir=RUN --out=serving/pixelrnn --version=1`.
    * Pretrained models are stored in TF Serving's layout already: `saved_models/<name>/` is a
      model base path (`kp.zoo.info(name).path`).
    """),
]

# ---------------------------------------------------------------------------------------------
REPRODUCING = [
    md("""
    # Reproducing the paper: CIFAR-10 and ImageNet presets

    The paper's headline numbers are on CIFAR-10 (32×32 colour images, 3.00 bits/dim for the
    Diagonal BiLSTM) and on downsampled ImageNet (32×32 and 64×64). The models are large and
    the training long: GPUs and days. This notebook shows

    1. the presets that hold the paper's settings, and their sizes;
    2. the command that trains one on several GPUs;
    3. what it would cost, from this repository's measured benchmarks;
    4. and then actually runs a **shrunken** CIFAR-10 model for a few steps on fake data, so
       every line of the recipe is exercised here on a CPU.
    """),
    params("""
    # Parameters (tests run this notebook with smaller values).
    PRESET = "cifar10_row_lstm"
    SMALL = dict(num_layers=2, hidden_dim=16, output_dim=64)   # the shrunken model we run
    NUM_FAKE_IMAGES = 256
    TRAIN_STEPS = 20
    NUM_SAMPLES = 2
    ASSUMED_EPOCHS = 100          # the paper does not say how long it trained
    ASSUMED_GPU_TFLOPS = 20.0     # sustained float32 TFLOP/s of one GPU on this model (a guess)
    """),
    code("""
    import json
    import math
    import os

    import keras
    import matplotlib.pyplot as plt
    import numpy as np
    import tensorflow as tf

    import keras_pixelrnn as kp
    """),
    md("""
    ## 1. The presets

    One table holds every setting of the paper (`kp.models.PRESETS`); `from_preset`
    builds the model, and keyword arguments override any of its settings.
    """),
    code("""
    rows = []
    for name in kp.models.list_presets():
        preset = kp.models.get_preset(name)
        m = preset["model"]
        params = kp.models.from_preset(name).count_params()
        rows.append((name, preset["family"], "x".join(map(str, m["image_shape"])),
                     m["num_layers"], m["hidden_dim"], params, preset["train"]["dataset"],
                     preset["source"]))
    print(f"{'preset':32s} {'image':>8s} {'layers':>6s} {'h':>4s} {'params':>12s}  source")
    for name, family, shape, layers, h, params, dataset, source in rows:
        print(f"{name:32s} {shape:>8s} {layers:6d} {h:4d} {params:12,d}  {source}")
    """),
    md("""
    ## 2. Training on GPUs

    The data comes from `tensorflow_datasets`. Prepare it once on a machine with internet
    access (`tfds build cifar10 --data_dir=DIR`, about 160 MB) and point `--data_dir` at it.
    Then, on a machine with several GPUs:

    ```bash
    python -m keras_pixelrnn train --workdir=runs/cifar10_row_lstm --preset=cifar10_row_lstm \\
        --strategy=mirrored --data_dir=$HOME/tensorflow_datasets --epochs=100
    python -m keras_pixelrnn evaluate --workdir=runs/cifar10_row_lstm --data_dir=$HOME/tensorflow_datasets
    ```

    * `--strategy=mirrored` copies the model to every local GPU and splits each batch
      among them; `--batch_size` is the **global** batch (16 in the paper). With many GPUs
      raise it, and the learning rate with it (`--learning_rate`).
    * `--strategy=multi_worker` does the same across machines (each reads `TF_CONFIG`);
      `--strategy=tpu --tpu=NAME` on a TPU.
    * The run is resumable: rerun the same command after an interruption and it continues
      after the last completed epoch. `evaluate` prints the exact test NLL in bits/dim,
      the number to compare with the paper's 3.07 (Row LSTM).

    Here there is no CIFAR-10 on disk and no internet, and the loader says so, with what to do:
    """),
    code("""
    import tempfile

    try:
        kp.data.load("cifar10", split="train", data_dir=tempfile.mkdtemp())
    except kp.data.DatasetUnavailableError as err:
        print(err)
    """),
    md("""
    ## 3. What it costs

    A forward pass uses every weight once per pixel (more for the Diagonal BiLSTM, whose
    skewed map is almost twice as wide), so the work per image grows with parameters × pixels;
    a training step is about three forward passes. `benchmarks/` counts it exactly and
    measured on this repository's 2-core CPU how fast each family runs
    (`benchmarks/RESULTS.md`); we scale that to the full preset.
    """),
    code("""
    import sys

    checkout = os.path.dirname(os.path.dirname(os.path.abspath(kp.__file__)))
    results_file = os.path.join(checkout, "benchmarks", "results.json")
    gpu_file = os.path.join(checkout, "benchmarks", "results_gpu.json")
    benchmarks = json.load(open(results_file)) if os.path.exists(results_file) else None

    model = kp.models.from_preset(PRESET)
    preset = kp.models.get_preset(PRESET)
    family, batch = preset["family"], preset["train"]["batch_size"]
    height, width, channels = model.image_shape
    try:
        sys.path.insert(0, checkout)
        from benchmarks import flops
        step_flops = flops.training_flops(model) * batch
    except ImportError:   # not a checkout: a forward pass ~ 2 FLOPs per weight and pixel
        step_flops = 3 * 2 * model.count_params() * height * width * batch
    info = kp.data.get_info(preset["train"]["dataset"])
    steps_per_epoch = math.ceil(info.num_examples["train"] / batch)
    total_steps = steps_per_epoch * ASSUMED_EPOCHS
    print(f"{PRESET}: {model.count_params():,} parameters, "
          f"{step_flops / 1e12:.2f} TFLOP per training step of {batch} images")
    print(f"{steps_per_epoch:,} steps per epoch x {ASSUMED_EPOCHS} epochs = {total_steps:,} steps")

    def days(step_seconds):
        return step_seconds * total_steps / 86400

    if benchmarks:
        cpu = [r for r in benchmarks["training"]["rows"]
               if r["config"].startswith("cifar") and r["model"] == family][0]
        cpu_rate = cpu["gflops_per_s"] * 1e9
        step_s = step_flops / cpu_rate
        print(f"CPU (2 cores, {cpu['gflops_per_s']:.0f} GFLOP/s measured on a small {family}): "
              f"~{step_s:.0f} s per step, {days(step_s):,.0f} days")
        memory = [r for r in benchmarks["memory"] if r["preset"] == PRESET]
        if memory:
            print(f"memory of a training step (batch {memory[0]['batch']}, measured on the "
                  f"CPU): {memory[0]['train_step_mib'] / 1024:.1f} GiB")

    gpu_rows = []
    if os.path.exists(gpu_file):
        gpu_rows = [r for r in json.load(open(gpu_file))["training"]["rows"]
                    if r["preset"] == PRESET]
    if gpu_rows:
        step_s = gpu_rows[0]["step_s"]
        print(f"one GPU (measured, benchmarks/results_gpu.json): {step_s:.3f} s per step, "
              f"{days(step_s):.1f} days")
    else:
        step_s = step_flops / (ASSUMED_GPU_TFLOPS * 1e12)
        print(f"one GPU at an assumed {ASSUMED_GPU_TFLOPS:g} TFLOP/s: {step_s:.3f} s per step, "
              f"{days(step_s):.1f} days (measure it: KERAS_BACKEND=jax python -m benchmarks.gpu)")
    """),
    md("""
    The assumed GPU rate is a guess, and an optimistic one for the recurrent models: a Row
    LSTM runs its 32 rows one after another, and a Diagonal BiLSTM its 63 diagonals, each a
    small matrix product that leaves most of a GPU idle. PixelCNN has no such loop, which is
    why the paper calls it the fastest to train. Several GPUs under `--strategy=mirrored`
    divide the time by up to their number, once the global batch is large enough to keep
    each one busy.

    ## 4. A shrunken run that executes here

    The same code path on a CPU: the CIFAR-10 preset with far fewer units, random
    CIFAR-shaped images from `kp.data.from_numpy` (any `uint8` array works), and
    `tf.distribute.MirroredStrategy`, the strategy `--strategy=mirrored` uses. On this
    machine it mirrors over the one CPU; on a GPU machine over every GPU, unchanged.
    """),
    code("""
    rng = np.random.default_rng(0)
    fake = rng.integers(0, 256, size=(NUM_FAKE_IMAGES, 32, 32, 3), dtype=np.uint8)
    data, data_info = kp.data.from_numpy(fake, num_levels=256, batch_size=16, shuffle=True,
                                         repeat=True, with_info=True)
    print(data_info)

    strategy = tf.distribute.MirroredStrategy()
    print("replicas:", strategy.num_replicas_in_sync)
    with strategy.scope():
        keras.utils.set_random_seed(0)
        small = kp.models.from_preset(PRESET, **SMALL)
        small.compile(optimizer=keras.optimizers.RMSprop(1e-3, clipnorm=1.0))
    print(f"shrunken {PRESET}: {small.count_params():,} parameters "
          f"(the full one: {model.count_params():,})")
    history = small.fit(data, epochs=1, steps_per_epoch=TRAIN_STEPS, verbose=2, shuffle=False)
    """),
    md("""
    Uniform random pixels cannot be compressed: no model beats log2(256) = **8 bits/dim** on
    them, and a freshly initialised model, whose softmaxes are nearly flat, is already there;
    training can only keep it there. Real CIFAR-10 images are far from random: the paper's
    models describe them in about 3 bits per sub-pixel.
    """),
    code("""
    held_out = rng.integers(0, 256, size=(16, 32, 32, 3), dtype=np.uint8)
    bits = kp.bits_per_dim(small, held_out).mean()
    print(f"held-out fake images: {bits:.3f} bits/dim (uniform: 8.000)")

    samples = kp.sampling.sample(small, NUM_SAMPLES, seed=0)
    print("samples:", samples.shape, samples.dtype)
    plt.figure(figsize=(2 * NUM_SAMPLES, 2))
    plt.imshow(kp.figures.image_grid(samples, 256, ncols=NUM_SAMPLES))
    plt.axis("off")
    plt.title("samples of the shrunken model (noise, as its data)");
    """),
    md("""
    ## Summary

    * `kp.models.from_preset("cifar10_row_lstm")` is the paper's model; `--preset` trains it.
    * On GPUs: `python -m keras_pixelrnn train --preset=... --strategy=mirrored --data_dir=...`.
    * This repository's pretrained models (`kp.zoo`) are small MNIST and digits models,
      trained on CPUs; their model cards say how close they come to the paper's MNIST numbers.
    """),
]

NOTEBOOKS = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_completion.ipynb": COMPLETION,
    "03_pixel_distribution.ipynb": PIXEL_DISTRIBUTION,
    "04_serving.ipynb": SERVING,
    "05_reproducing_the_paper.ipynb": REPRODUCING,
}


def build(cells, prefix):
    """An nbformat v4 notebook without outputs (cell ids are stable across runs)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata.update({
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    for k, (kind, source) in enumerate(cells):
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(source)
        else:
            cell = nbformat.v4.new_code_cell(source)
            if kind == "parameters":
                cell.metadata["tags"] = ["parameters"]
        cell["id"] = f"{prefix}-{k:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def notebooks():
    """``{file name: notebook}`` of every tutorial."""
    return {name: build(cells, name.split("_")[0]) for name, cells in NOTEBOOKS.items()}


def main():
    for name, nb in notebooks().items():
        nbformat.write(nb, os.path.join(HERE, name))
        print("wrote", os.path.join(HERE, name))


if __name__ == "__main__":
    main()
