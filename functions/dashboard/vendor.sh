#!/usr/bin/env bash
# Refreshes vendor/ from the versions pinned in package-lock.json. The dashboard has no build step and loads nothing
# from a CDN, so its third-party files are committed; run this after changing package.json (then commit vendor/ too).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A temporary copy keeps node_modules out of the repository.
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

modules="$work/node_modules"
vendor="$here/vendor"
rm -rf "$vendor"
mkdir -p "$vendor"

# The map files are not shipped, so the references to them go too: a browser with dev tools open would request them
# and log a failed request.
copy_without_source_map() {
  sed '/^[[:space:]]*\/[/*][#@] sourceMappingURL=/d' "$1" >"$2"
}

copy_without_source_map "$modules/leaflet/dist/leaflet.js" "$vendor/leaflet.js"
copy_without_source_map "$modules/leaflet/dist/leaflet.css" "$vendor/leaflet.css"
copy_without_source_map "$modules/@microsoft/signalr/dist/browser/signalr.min.js" "$vendor/signalr.min.js"
copy_without_source_map "$modules/qrcode-generator/dist/qrcode.mjs" "$vendor/qrcode.mjs"

cp "$modules/leaflet/LICENSE" "$vendor/LICENSE.leaflet"

# The @microsoft/signalr package ships no licence file, only "license": "MIT" in its package.json; the notice below is
# that of its source repository (dotnet/aspnetcore, LICENSE.txt). Stop if the package's licence ever changes.
signalr_licence_id="$(node -p "require('$modules/@microsoft/signalr/package.json').license")"
if [[ "$signalr_licence_id" != "MIT" ]]; then
  echo "vendor.sh: @microsoft/signalr is now licensed '$signalr_licence_id': update its notice" >&2
  exit 1
fi
cat >"$vendor/LICENSE.signalr" <<'EOF'
The MIT License (MIT)

Copyright (c) .NET Foundation and Contributors

All rights reserved.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF

# qrcode-generator ships no licence file either; its source files carry the MIT notice of Kazuhiko Arase.
qrcode_licence_id="$(node -p "require('$modules/qrcode-generator/package.json').license")"
if [[ "$qrcode_licence_id" != "MIT" ]]; then
  echo "vendor.sh: qrcode-generator is now licensed '$qrcode_licence_id': update its notice" >&2
  exit 1
fi
sed -n '/^The MIT License/,$p' "$vendor/LICENSE.signalr" | sed 's/^Copyright (c) .NET Foundation and Contributors$/Copyright (c) 2009 Kazuhiko Arase/' >"$vendor/LICENSE.qrcode"

leaflet_version="$(node -p "require('$modules/leaflet/package.json').version")"
signalr_version="$(node -p "require('$modules/@microsoft/signalr/package.json').version")"
qrcode_version="$(node -p "require('$modules/qrcode-generator/package.json').version")"
cat >"$vendor/README.md" <<EOF
# Vendored browser libraries

Written by \`../vendor.sh\` from \`../package-lock.json\`; do not edit by hand.

| file | package | version | licence |
| --- | --- | --- | --- |
| leaflet.js, leaflet.css | leaflet | $leaflet_version | BSD-2-Clause, see LICENSE.leaflet |
| signalr.min.js | @microsoft/signalr | $signalr_version | MIT, see LICENSE.signalr |
| qrcode.mjs | qrcode-generator | $qrcode_version | MIT, see LICENSE.qrcode |

\`sourceMappingURL\` comments are removed because the map files are not shipped.
EOF

if grep -l 'sourceMappingURL=' "$vendor"/*.js "$vendor"/*.mjs "$vendor"/*.css; then
  echo "vendor.sh: a sourceMappingURL comment is left in the files above" >&2
  exit 1
fi
echo "vendor/: leaflet $leaflet_version, @microsoft/signalr $signalr_version, qrcode-generator $qrcode_version"
