#!/usr/bin/env bash
# The main command: train a Diagonal BiLSTM PixelRNN on the embedded `digits` data (8x8, 17
# grey levels, no download), report its exact test NLL, then sample new digits and complete
# test digits whose bottom half is hidden. About 3-4 minutes on 2 CPU cores.
#
#   bash examples/main.sh [WORKDIR]        (default: runs/digits_diagonal_bilstm)
#
# Rerunning resumes (or finds the training done). Figures: WORKDIR/training_curves.png,
# WORKDIR/samples.png, WORKDIR/completions.png.
set -euo pipefail
WORKDIR="${1:-runs/digits_diagonal_bilstm}"
PYTHON="${PYTHON:-python}"

"$PYTHON" -m keras_pixelrnn train --workdir="$WORKDIR" --preset=digits_diagonal_bilstm --epochs=15
"$PYTHON" -m keras_pixelrnn evaluate --workdir="$WORKDIR"
"$PYTHON" -m keras_pixelrnn sample --workdir="$WORKDIR" --num_samples=16
"$PYTHON" -m keras_pixelrnn complete --workdir="$WORKDIR" --num_images=8 --num_completions=4
echo "Figures: $WORKDIR/training_curves.png $WORKDIR/samples.png $WORKDIR/completions.png"
