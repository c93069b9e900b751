#!/usr/bin/env bash
# Conditioning demo on the embedded `digits` data (8x8, 17 grey levels, no download), about
# 4 minutes on 2 CPU cores:
#   1. a class-conditional Row LSTM (the digit's class added to every layer's input-to-state
#      map), its exact test NLL log p(x | class), and 100 samples, one row per class;
#   2. a multi-scale Row LSTM (paper §3.6): a 4x4 image from an unconditional model, then
#      the 8x8 image given it; its exact two-stage test NLL and 64 samples at both scales.
#
#   bash examples/conditional_digits.sh [ROOT]        (default: runs/)
#
# Rerunning resumes (or finds the training done). Figures: ROOT/digits_class_conditional_
# row_lstm/samples.png and ROOT/digits_multiscale_row_lstm/samples.png.
set -euo pipefail
ROOT="${1:-runs}"
PYTHON="${PYTHON:-python}"

CLASS="$ROOT/digits_class_conditional_row_lstm"
"$PYTHON" -m keras_pixelrnn train --workdir="$CLASS" --preset=digits_row_lstm --num_classes=10 --epochs=15
"$PYTHON" -m keras_pixelrnn evaluate --workdir="$CLASS"
"$PYTHON" -m keras_pixelrnn sample --workdir="$CLASS" --num_samples=100

MULTI="$ROOT/digits_multiscale_row_lstm"
"$PYTHON" -m keras_pixelrnn train --workdir="$MULTI" --preset=digits_row_lstm --multiscale=4x4 --epochs=15
"$PYTHON" -m keras_pixelrnn evaluate --workdir="$MULTI"
"$PYTHON" -m keras_pixelrnn sample --workdir="$MULTI" --num_samples=64
echo "Figures: $CLASS/samples.png $MULTI/samples.png"
