#!/bin/sh
# Runs every fuzz target (or those named) for SECONDS each (default 60) with libFuzzer, starting from the
# seed corpus in Fixtures/fuzz/<target>; new inputs go to Fuzz/.build/corpus-<target>, crashing inputs
# to Fuzz/.build/crashes/. Build first with Fuzz/build.sh. Example: SECONDS_PER_TARGET=300 Fuzz/run.sh segment
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/Fuzz/.build"
seconds=${SECONDS_PER_TARGET:-60}
targets=${*:-segment manifest query analyzer jsonl}
mkdir -p "$out/crashes"
for target in $targets; do
    mkdir -p "$out/corpus-$target"
    echo "== $target ($seconds s)"
    ASAN_OPTIONS=detect_leaks=0 VIETSEARCH_FUZZ_TARGET=$target "$out/vietsearch-fuzz" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
        -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$out/crashes/$target-" \
        "$out/corpus-$target" "$root/Fixtures/fuzz/$target" 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|Test unit written|DONE" || true
done
