#!/bin/sh
# Runs the GGUF fuzzer for a bounded time. The seed corpus is made fresh in WORK_DIR from the first
# 64 KiB of every shared .gguf (header, metadata and tensor table: the parts the reader checks) and
# the small hand-made GGUF files (*.seed) in SEEDS_DIR; new units and crash artifacts land in WORK_DIR too.
# usage: run-gguf-fuzz.sh FUZZER SHARED_DIR SEEDS_DIR WORK_DIR SECONDS
set -eu
fuzzer=$1 shared=$2 seeds=$3 work=$4 seconds=$5

rm -rf "$work"
mkdir -p "$work/seeds" "$work/corpus"
find "$shared/models" "$shared/reference" -name '*.gguf' -type f | while read -r path; do
    name=$(printf '%s' "${path#"$shared"/}" | tr '/' '_')
    head -c 65536 "$path" > "$work/seeds/$name"
done
cp "$seeds"/*.seed "$work/seeds/"
echo "seed corpus: $(ls "$work/seeds" | wc -l) files"

# The first directory receives the new units; the seeds directory is only read.
exec "$fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" "$work/seeds"
