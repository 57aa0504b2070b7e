#!/bin/sh
# Builds Fuzz/.build/vietsearch-fuzz: the storage, analysis, query and facade sources and the CLI's input
# readers compiled as ONE module (their cross-module imports stripped) with FuzzTargets.swift, under
# libFuzzer and AddressSanitizer. Run a target:
#   VIETSEARCH_FUZZ_TARGET=segment Fuzz/.build/vietsearch-fuzz -max_total_time=300 Fuzz/.build/corpus-segment Fixtures/fuzz/segment
# (Fuzz/run.sh does that for every target; it passes -detect_leaks=0: the Swift runtime keeps metadata and
# the query target its index alive to the end, which LeakSanitizer reports at exit). Needs libzstd-dev and zlib1g-dev, like the package.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/Fuzz/.build"
src="$out/src"
rm -rf "$src" && mkdir -p "$src"
# Every source file of the modules, subfolders included (Syllables/, Typing/, Encoding/), named after its path.
for module in VietSearchStorage VietSearchAnalysis VietSearchQuery VietSearch; do
    find "$root/Sources/$module" -name '*.swift' | while read -r file; do
        name=$(echo "${file#"$root/Sources/"}" | tr '/' '-')
        [ "$(basename "$file")" = Exports.swift ] && continue
        sed -E '/^(@_exported )?import VietSearch(Storage|Analysis|Query)?$/d' "$file" > "$src/$name"
    done
done
# The CLI's input readers, except those that need swift-argument-parser (option parsing, not reading).
for file in "$root/Sources/vietsearch/Input"/*.swift; do
    grep -q '^import ArgumentParser' "$file" && continue
    sed -E '/^import VietSearch$/d' "$file" > "$src/cli-$(basename "$file")"
done
# The C kernels (imported as CBitUnpack through their module map), under AddressSanitizer too.
for file in "$root/Sources/CBitUnpack"/*.c; do
    clang -c -O1 -g -fsanitize=address,fuzzer-no-link -I "$root/Sources/CBitUnpack/include" \
        "$file" -o "$out/$(basename "$file" .c).o"
done
swiftc -sanitize=fuzzer,address -parse-as-library -Onone -g \
    -module-name VietSearchFuzz -package-name VietSearch \
    -I "$root/Sources/CZstd" -I "$root/Sources/CZlib" -I "$root/Sources/CBitUnpack/include" \
    "$src"/*.swift "$root/Fuzz/FuzzTargets.swift" "$out"/*.o -lzstd -lz \
    -o "$out/vietsearch-fuzz"
echo "built $out/vietsearch-fuzz"
