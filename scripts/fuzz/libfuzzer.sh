#!/usr/bin/env bash
# Coverage-guided fuzzing of the catalogue text readers with libFuzzer: compiles Sources/Astro and the entry point
# scripts/fuzz/LibFuzzerCatalog.swift with `swiftc -sanitize=fuzzer,address` (build outputs under .build/, not
# committed), then runs it on seeds written by PerseusFuzz.
#
#   scripts/fuzz/libfuzzer.sh [csv|pcc] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:-csv}
seconds=${2:-60}
out=.build/libfuzzer
mkdir -p "$out/corpus-$target"
swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name Astro -I Sources/CFITSIO -lcfitsio \
    Sources/Astro/*.swift scripts/fuzz/LibFuzzerCatalog.swift -o "$out/catalog-fuzzer"
swift build -c release --product PerseusFuzz >&2
.build/release/PerseusFuzz --target "$target" --write-seeds --corpus "$out/seeds"
PERSEUS_FUZZ_TARGET=$target "$out/catalog-fuzzer" -max_total_time="$seconds" -rss_limit_mb=4096 \
    -artifact_prefix="$out/" "$out/corpus-$target" "$out/seeds/$target"
