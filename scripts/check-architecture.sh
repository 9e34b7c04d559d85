#!/usr/bin/env bash
# The layering rules of Package.swift, checked on the sources (CI runs this):
#  - a target imports only targets declared above it in Package.swift, and only ones it declares as dependencies;
#  - of the library stages, only Runs imports Report and Tabular (Training imports neither);
#  - `import CDNNL` only in Sources/Tensor/OneDNN/, and every file there uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
manifest=$(tr '\n' ' ' < Package.swift)
# Targets in declaration order, each with the quoted names of its dependency list.
mapfile -t declared < <(grep -oE '\.(target|executableTarget|systemLibrary)\( *name: *"[A-Za-z0-9]+"( *, *dependencies: *\[[^]]*\])?' <<<"$manifest")
failures=0
fail() { echo "check-architecture: $*" >&2; failures=$((failures + 1)); }
names=()
for d in "${declared[@]}"; do names+=("$(grep -oE 'name: *"[A-Za-z0-9]+"' <<<"$d" | head -1 | cut -d'"' -f2)"); done
position() { local i; for i in "${!names[@]}"; do [ "${names[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }
for k in "${!declared[@]}"; do
    target=${names[$k]}
    [ -d "Sources/$target" ] || continue
    deps=$(grep -oE 'dependencies: *\[[^]]*' <<<"${declared[$k]}" | grep -oE '"[A-Za-z0-9]+"' | tr -d '"' | tr '\n' ' ' || true)
    while IFS=: read -r file module; do
        p=$(position "$module")
        [ "$p" -ge 0 ] || continue  # Foundation, Testing, a package product's module
        if [ "$p" -ge "$k" ]; then fail "$file: $target imports $module, which Package.swift declares after it"; fi
        case " $deps " in *" $module "*) ;; *) fail "$file: $target imports $module without declaring it in Package.swift" ;; esac
    done < <(grep -HoE '^(@testable )?import [A-Za-z0-9]+' -r "Sources/$target" --include='*.swift' | sed -E 's/(@testable )?import //' | sort -u)
done
for stage in Astro Imaging Dataset Survey Training Scale; do
    if grep -lE '^import (Report|Tabular)$' -r "Sources/$stage" >/dev/null 2>&1; then
        fail "Sources/$stage imports Report or Tabular: only Runs, the stage for finished runs, does"
    fi
done
while read -r file; do
    case "$file" in Sources/Tensor/OneDNN/*) ;; *) fail "$file imports CDNNL: oneDNN calls belong in Sources/Tensor/OneDNN/" ;; esac
done < <(grep -rlE '^import CDNNL$' Sources Tests --include='*.swift' || true)
if [ -d Sources/Tensor/OneDNN ]; then
    for file in Sources/Tensor/OneDNN/*.swift; do
        grep -qE '^import CDNNL$' "$file" || fail "$file is in the oneDNN folder but does not import CDNNL"
    done
else
    fail "Sources/Tensor/OneDNN/ is missing"
fi
[ "$failures" -eq 0 ] || { echo "check-architecture: $failures problem(s)" >&2; exit 1; }
echo "check-architecture: ${#names[@]} targets, every import follows Package.swift's order and declarations"
