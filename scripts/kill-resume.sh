#!/bin/sh
# The heavy version of the kill-and-resume test: `perseus train` killed with SIGKILL at seeded random points
# PERSEUS_KILLS times (default 10), resumed after each, and compared bit for bit with an uninterrupted run.
# Usage: scripts/kill-resume.sh [kills]
set -eu
cd "$(dirname "$0")/.."
PERSEUS_KILLS="${1:-10}" swift test -c release --filter 'ResumeTests/sigkillAtRandomPoints'
