#!/usr/bin/env bash
# Packs what tests/bench/device-bench.sh needs on a GPU machine that has none of our dependencies and
# cannot fetch any (the `device` tool's machine): the CLI, every shared library it loads and the
# dynamic loader, so that it runs there whatever that system's own libraries are; and the model files
# cut into pieces, since one call carries at most 64 MiB.
#
# usage: device-pack.sh GLASSBOX_CLI PACK_DIR [MODEL.gguf ...]
#   PACK_DIR/tools: bin/glassbox-cli, lib/ (about 45 MiB): carry it in the first call.
#   PACK_DIR/NAME.gguf.partNN: 48 MiB pieces of each model: carry one per call, each call appending it
#   (see device-bench.sh). Also writes PACK_DIR/SHA256SUMS of the whole models.
# PACK_DIR must be ignored by git (e.g. listed in .git/info/exclude) and lie inside the repository.
set -euo pipefail

CLI="${1:?usage: device-pack.sh GLASSBOX_CLI PACK_DIR [MODEL.gguf ...]}"
PACK="${2:?usage: device-pack.sh GLASSBOX_CLI PACK_DIR [MODEL.gguf ...]}"
shift 2

rm -rf "$PACK"
mkdir -p "$PACK/tools/bin" "$PACK/tools/lib"
cp "$CLI" "$PACK/tools/bin/glassbox-cli"
# Every library the CLI loads, and the loader that resolves them (glibc included: the other system's
# may be older than ours). The Vulkan loader comes along; the GPU's own driver is that machine's.
ldd "$CLI" | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' | while read -r library; do
    cp -L "$library" "$PACK/tools/lib/"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$PACK/tools/lib/"

for model in "$@"; do
    name="$(basename "$model")"
    split -b 48M -d "$model" "$PACK/$name.part"
    (cd "$(dirname "$model")" && sha256sum "$name") >>"$PACK/SHA256SUMS"
done
du -sh "$PACK"/* >&2
