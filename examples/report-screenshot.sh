#!/bin/sh
# Renders a verify report in headless Chromium (Debian package `chromium`) and writes a PNG of its first
# screen and one of each figure, to check the HTML report in a real browser.
#   examples/report-screenshot.sh target/report [1440x900]
set -eu
dir=${1:-target/report}
size=${2:-1440,900}
profile=$(mktemp -d)
shot() {
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$profile" --screenshot="$2" \
        --window-size="$3" "file://$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" >/dev/null 2>&1
    echo "wrote $2"
}
shot "$dir/report.html" "$dir/report.png" "$size"
for svg in "$dir"/*.svg; do
    shot "$svg" "${svg%.svg}.png" 1400,1400
done
rm -rf "$profile"
