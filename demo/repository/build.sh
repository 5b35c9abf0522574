#!/bin/sh
# The demo's "build": makes the artifact the build page links to.
set -eu
mkdir -p dist
printf '%s (commit %s)\n' "$GREETING" "$OFFSTAGE_COMMIT" > dist/greeting.txt
echo "built dist/greeting.txt"
