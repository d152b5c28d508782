#!/bin/sh
# vendor.sh regenerates web/static/vendor/maplibre-gl from package-lock.json:
# it installs exactly the locked versions (npm ci, no install scripts) into a
# temporary node_modules and copies the files the page loads, with the
# licence. The copies are committed and embedded with go:embed, so building
# and serving Maillage need neither npm nor a network; run this only to
# change MapLibre's version (edit package.json, `npm install
# --package-lock-only`, then this script, then commit both).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../static/vendor/maplibre-gl"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund >/dev/null
dist=node_modules/maplibre-gl/dist
version=$(node -p 'require("./node_modules/maplibre-gl/package.json").version')
rm -rf "$out"
mkdir -p "$out"
# The page imports maplibre-gl.mjs; it loads maplibre-gl-worker.mjs from its
# own folder (import.meta.url). Source maps are left out (9 MB).
for f in maplibre-gl.mjs maplibre-gl-worker.mjs maplibre-gl.css; do
	sed '/^\/\/# sourceMappingURL=/d' "$dist/$f" >"$out/$f"
done
cp node_modules/maplibre-gl/LICENSE.txt "$out/LICENSE.txt"
echo "$version" >"$out/VERSION"
rm -rf node_modules
echo "vendored maplibre-gl $version into $out"
