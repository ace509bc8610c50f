#!/usr/bin/env bash
# The GPU check: automatic layer sizing and strict-mode speed on a real GPU, in one
# command, on a machine with no network (README, "GPUs", says how to run it).
#
#   benchmarks/gpu/check.sh          on the GPU machine; needs .gpu-carry/ (prepare.sh)
#   benchmarks/gpu/check.sh --cpu    the rehearsal: same steps on this machine's CPU build
#                                    of llama-cpp-python and a tiny model, no build
#   ... --out DIR                    where results go (default: $OUT, else ./gpu-check-out)
#
# Steps: (1) build llama-cpp-python 0.3.36 for CUDA from the carried source, while (2)
# a stand-in model with Llama-3.1-8B's shapes is written (fake_model.py); then check.py
# runs (3) `doctor --json` and loads at 8k and 32k context with the planned layers,
# comparing predicted and NVML-measured GPU memory, also with memory held to leave 8 or
# 4 GB free, (4) strict mode against free generation, and (5) writes everything to
# DIR/gpu-check.json and DIR/gpu-check-summary.txt.
#
# Device time, the scarce thing (15 minutes a task, all tries; 10 minutes a command):
#   machine start                                                       1-2 min
#   this command, stopped by itself at DEADLINE_S (560 s) at the latest:
#     carried wheels installed                                          ~5 s
#     (1) CUDA build B: sm_90 only, ninja on all 16 cores, target llama only (not
#         `common`, no mtmd), flash-attention kernels compiled out (the app loads
#         with flash attention off, llama-cpp-python's default)        est. 3-5 min
#     (2) model written during the build (one core, 4.9 GB; 58 s on a busy 2-core
#         machine here)                                                 0 extra
#     doctor ~5 s, bandwidth ~5 s, two whole-card loads ~15 s each, speed ~60 s,
#     three loads with memory held ~20 s each                           ~3 min
#   so the command takes B + ~3 min, 6.5-8 min; with the start, ~10 of the 15 minutes.
# The build gets what the deadline leaves after 3.5 minutes for measuring. If it is not
# done by then, results so far are written and the same command, run again at once on
# the still-warm machine (it stays 30 s after a call), resumes the build (the build
# folder and the model stay in GPU_CHECK_WORK) and measures; there is time for that
# only when little build is left, so the session should call give_back otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
started=$(date +%s)

mode=gpu
out=${OUT:-$repo/gpu-check-out}
while [[ $# -gt 0 ]]; do
    case $1 in
        --cpu) mode=cpu ;;
        --out) out=$2; shift ;;
        *) echo "usage: $0 [--cpu] [--out DIR]" >&2; exit 2 ;;
    esac
    shift
done
carry=$repo/.gpu-carry
out=$(mkdir -p "$out" && cd "$out" && pwd)
export PYTHONPATH="$repo/src${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1

if [[ $mode == gpu ]]; then
    work=${GPU_CHECK_WORK:-/tmp/tui-structurer-gpu-check}
    deadline=$((started + ${DEADLINE_S:-560}))
    shape=8b
    words=2000
    tokenizer=$carry/ggml-vocab-llama-bpe.gguf
    transcripts=$carry/transcripts
    if [[ ! -d $carry/wheels ]]; then
        echo "no $carry: run benchmarks/gpu/prepare.sh first, and carry .gpu-carry" >&2
        exit 2
    fi
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target "$work/site" "$carry"/wheels/*.whl
    export PYTHONPATH="$PYTHONPATH:$work/site:$work/llama/src"
    export LLAMA_CPP_LIB_PATH=$work/llama/build/bin
    # CMake finds nvcc on PATH; the CUDA runtime and cuBLAS are loaded from the toolkit.
    if [[ -d /usr/local/cuda ]]; then
        export PATH="$PATH:/usr/local/cuda/bin"
        export LD_LIBRARY_PATH="/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    fi
    { nvidia-smi; nvcc --version; nproc; python3 --version; } >"$out/env.txt" 2>&1 || true
else
    # A fresh folder each time: the rehearsal must run the writer it is rehearsing.
    work=${GPU_CHECK_WORK:-$(mktemp -d)}
    deadline=0
    shape=tiny
    words=150
    tokenizer=$carry/ggml-vocab-llama-bpe.gguf
    transcripts=$repo/examples/eval
    if [[ ! -f $tokenizer ]]; then  # no prepare.sh here (CI): the embedded model's
        tokenizer=$(python3 -c 'from tui_structurer.models.sources import resolve_gguf
print(resolve_gguf("embedded"))')
    fi
fi
[[ -d $transcripts ]] || transcripts=$repo/examples/eval
mkdir -p "$work"
model=$work/random-$shape.gguf

# (2) in the background: it needs no GPU and no llama.cpp, only gguf and numpy.
# Margin 0: with lookahead scoring the stand-in then weighs about as many candidates per
# word as the embedded model does on real speeches (2.0 logit rows per word on the CPU
# rehearsal, against 2.5 for Gemma 3 270M on the dev set), so strict's cost is realistic;
# a larger margin makes the stand-in sure of every gap and strict look faster than it is.
writer=
if [[ ! -f $work/model.json ]]; then
    python3 benchmarks/gpu/fake_model.py "$model" --shape "$shape" --tokenizer "$tokenizer" \
        --margin "${GPU_CHECK_MARGIN:-0.0}" \
        >"$work/model.json.part" 2>"$out/model.log" &
    writer=$!
fi

# (1) the build, gpu mode only; it must leave the measuring steps about 3.5 minutes.
build='{}'
if [[ $mode == gpu ]]; then
    budget=$((deadline - 210 - $(date +%s)))
    began=$(date +%s)
    status=ok
    timeout -s INT "$budget" benchmarks/gpu/build_llama.sh \
        "$carry/llama-cpp-python-0.3.36-trimmed.tar.gz" "$work/llama" \
        -DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=90 -DGGML_CUDA_FA=OFF \
        -DGGML_CUDA_NCCL=OFF >"$out/build.log" 2>&1 || status="failed or stopped at ${budget} s"
    build=$(printf '{"status": "%s", "seconds": %d, "what": "%s"}' "$status" \
        $(($(date +%s) - began)) "CUDA sm_90, no flash attention, target llama, $(nproc) jobs")
fi

if [[ -n $writer ]]; then
    if ! wait "$writer"; then
        tail -20 "$out/model.log"
        echo "writing the model failed; $out/model.log has the rest" >&2
        exit 1
    fi
    mv "$work/model.json.part" "$work/model.json"
fi
printf '{"build": %s, "model": %s}\n' "$build" "$(cat "$work/model.json")" >"$work/facts.json"

if [[ $mode == gpu && ! -f $work/llama/build/bin/libggml-cuda.so ]]; then
    cp "$work/facts.json" "$out/gpu-check.json"
    tail -20 "$out/build.log"
    echo "The CUDA build did not finish ($build). Run the same command again right away:" \
        "the machine keeps the build folder and the model while it is warm." >&2
    exit 1
fi

python3 benchmarks/gpu/check.py --mode "$mode" --model "$model" --facts "$work/facts.json" \
    --out "$out" --work "$work" --transcripts "$transcripts" --words "$words" \
    --deadline "$deadline"
echo "total: $(($(date +%s) - started)) s; results in $out"
