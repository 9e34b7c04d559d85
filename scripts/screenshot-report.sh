#!/usr/bin/env bash
# Opens a run report in headless Chromium, fails on any console message, checks every inline figure made it into
# the page, and writes a screenshot outside the repository.
#
#   scripts/screenshot-report.sh [REPORT.html] [SCREENSHOT.png] [HEIGHT]
#
# Without REPORT, makes one: a demo run (`perseus demo`, a few minutes) in .build/report-demo, then `perseus report`.
# The screenshot defaults to .build/report-screenshot.png, 1280 pixels wide and HEIGHT (default 4000) tall.
# Needs Debian's chromium (`apt-get install -y chromium`); the tests do not.
set -euo pipefail
cd "$(dirname "$0")/.."

report="${1:-}"
shot="${2:-.build/report-screenshot.png}"
height="${3:-4000}"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$browser" ]]; then
    echo "screenshot-report: no chromium; install it with: apt-get install -y chromium" >&2
    exit 2
fi

if [[ -z "$report" ]]; then
    swift build -c release --product perseus
    work=.build/report-demo
    if [[ ! -f "$work/run/best.safetensors" ]]; then
        rm -rf "$work"
        .build/release/perseus demo --out "$work"
    fi
    .build/release/perseus report --run "$work/run" --data "$work/dataset"
    report="$work/run/report.html"
fi
[[ -f "$report" ]] || { echo "screenshot-report: $report does not exist" >&2; exit 2; }
report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
mkdir -p "$(dirname "$shot")"

# Self-contained: no scripts, nothing fetched from the network.
if grep -qiE '<script|src="https?:|href="https?:|url\(' "$report"; then
    echo "screenshot-report: $report refers to something outside itself" >&2
    exit 1
fi

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --log-level=0)
log="$(mktemp)"
dom="$(mktemp)"
trap 'rm -f "$log" "$dom"' EXIT
timeout 180 "$browser" "${flags[@]}" --screenshot="$shot" --window-size="1280,$height" "file://$report" 2>"$log" >/dev/null
timeout 180 "$browser" "${flags[@]}" --dump-dom "file://$report" 2>>"$log" >"$dom"

status=0
if grep -q ':CONSOLE' "$log"; then
    echo "screenshot-report: console messages:" >&2
    grep ':CONSOLE' "$log" >&2
    status=1
fi
# Every figure and section of the file is in the page Chromium built.
for tag in '<svg ' '<h2>' '<figure>'; do
    in_file=$(grep -o "$tag" "$report" | wc -l)
    in_page=$(grep -o "$tag" "$dom" | wc -l)
    if [[ "$in_file" -ne "$in_page" ]]; then
        echo "screenshot-report: $tag appears $in_file times in the file but $in_page times in the page" >&2
        status=1
    fi
done
[[ -s "$shot" ]] || { echo "screenshot-report: no screenshot written" >&2; exit 1; }
echo "$(grep -o '<h2>' "$dom" | wc -l) sections, $(grep -o '<svg ' "$dom" | wc -l) figures rendered; screenshot: $shot"
exit $status
