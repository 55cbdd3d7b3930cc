#!/usr/bin/env bash
# Render the design-system gallery (tests/web/gallery.html, with the demo
# organisation) and screenshot it at desktop and phone widths, to look at
# before changing app.css or the macros.  Usage: tools/preview.sh [OUT_DIR]
set -euo pipefail
out=${1:-/tmp/preview}
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-/tmp/venv/bin/python}
PLANNER_PREVIEW_DIR=$out "$python" -m pytest -q -p no:cacheprovider \
  "$root/tests/web/test_templates.py::test_the_gallery_page_obeys_the_csp_and_is_navigable"
shoot() {  # width height file
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --hide-scrollbars \
    --screenshot="$out/$3" --window-size="$1,$2" "file://$out/index.html" 2>/dev/null
}
shoot 1280 2400 shot.png
shoot 390 2400 shot-phone.png
echo "$out/index.html, $out/shot.png, $out/shot-phone.png"
