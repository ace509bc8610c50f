#!/usr/bin/env bash
# Build llama.cpp's llama-server from the source that llama-cpp-python's sdist carries
# (the same llama.cpp version as the in-process engine), once, into the user cache.
# Prints the binary's path. Same no-AMX flags as scripts/install.sh, for the same reason.
set -euo pipefail
version=0.3.36
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tui-structurer/llama-server-$version"
binary="$cache/build/bin/llama-server"
if [[ ! -x "$binary" ]]; then
    mkdir -p "$cache"
    python3 -m pip download --quiet --no-deps --no-binary :all: \
        "llama-cpp-python==$version" -d "$cache" >&2
    tar -xzf "$cache/llama_cpp_python-$version.tar.gz" -C "$cache"
    flags="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
    CFLAGS="$flags" CXXFLAGS="$flags" cmake -S "$cache/llama_cpp_python-$version/vendor/llama.cpp" \
        -B "$cache/build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
        -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON >&2
    cmake --build "$cache/build" --target llama-server -j "$(nproc)" >&2
fi
echo "$binary"
