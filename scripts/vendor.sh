#!/usr/bin/env bash
# Fetches the site's front-end assets from the npm registry into book/_vendor/ so that no page of the
# built site loads anything from a CDN: MathJax (math), require.js + the Jupyter widget manager (embedded
# widgets). Vega / Vega-Lite / Vega-Embed (the sliders that work without a kernel) are copied from the
# package, which ships them for notebooks (cnnviz/interact/static/vendor/, versions in its VERSIONS file):
# one copy of each bundle. To update those, `npm pack` the new versions and replace the files there.
set -euo pipefail
dest=${1:?usage: vendor.sh DEST}
packages=(
  "mathjax@3.2.2"
  "requirejs@2.3.7"
  "@jupyter-widgets/html-manager@1.0.6"
)
vega="$(cd "$(dirname "$0")/.." && pwd)/cnnviz/interact/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "${packages[@]}" >/dev/null)
unpack() { mkdir -p "$work/$1" && tar xzf "$work/$2" -C "$work/$1" --strip-components=1; }
unpack mathjax mathjax-3.2.2.tgz
unpack requirejs requirejs-2.3.7.tgz
unpack html-manager jupyter-widgets-html-manager-1.0.6.tgz

rm -rf "$dest.tmp" && mkdir -p "$dest.tmp/mathjax" "$dest.tmp/widgets" "$dest.tmp/vega"
# MathJax: the combined TeX+CHTML component plus what it loads lazily (fonts, TeX extensions, menu).
cp "$work/mathjax/es5/tex-chtml.js" "$dest.tmp/mathjax/"
cp -r "$work/mathjax/es5/input" "$work/mathjax/es5/output" "$work/mathjax/es5/ui" "$work/mathjax/es5/a11y" \
  "$work/mathjax/es5/adaptors" "$dest.tmp/mathjax/"
cp "$work/requirejs/require.js" "$dest.tmp/widgets/require.js"
# The widget manager loads its chunks and fonts from its own folder.
find "$work/html-manager/dist" -maxdepth 1 -type f ! -name '*.map' -exec cp {} "$dest.tmp/widgets/" \;
cp "$vega/vega.min.js" "$vega/vega-lite.min.js" "$vega/vega-embed.min.js" "$dest.tmp/vega/"
for p in mathjax requirejs html-manager; do
  cp "$work/$p/LICENSE" "$dest.tmp/LICENSE.$p" 2>/dev/null || true
done
cp "$vega"/LICENSE.* "$dest.tmp/"
{ printf '%s\n' "${packages[@]}"; cat "$vega/VERSIONS"; } > "$dest.tmp/VERSIONS"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
