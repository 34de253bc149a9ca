#!/usr/bin/env bash
# Fetches the site's front-end assets from the npm registry into book/_vendor/ so that no page of the
# built site loads anything from a CDN: MathJax (math), require.js + the Jupyter widget manager (embedded
# widgets), Vega / Vega-Lite / Vega-Embed (the sliders that work without a kernel).
set -euo pipefail
dest=${1:?usage: vendor.sh DEST}
packages=(
  "mathjax@3.2.2"
  "requirejs@2.3.7"
  "@jupyter-widgets/html-manager@1.0.6"
  "vega@6.4.0"
  "vega-lite@6.4.1"
  "vega-embed@7.3.0"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "${packages[@]}" >/dev/null)
unpack() { mkdir -p "$work/$1" && tar xzf "$work/$2" -C "$work/$1" --strip-components=1; }
unpack mathjax mathjax-3.2.2.tgz
unpack requirejs requirejs-2.3.7.tgz
unpack html-manager jupyter-widgets-html-manager-1.0.6.tgz
unpack vega vega-6.4.0.tgz
unpack vega-lite vega-lite-6.4.1.tgz
unpack vega-embed vega-embed-7.3.0.tgz

rm -rf "$dest.tmp" && mkdir -p "$dest.tmp/mathjax" "$dest.tmp/widgets" "$dest.tmp/vega"
# MathJax: the combined TeX+CHTML component plus what it loads lazily (fonts, TeX extensions, menu).
cp "$work/mathjax/es5/tex-chtml.js" "$dest.tmp/mathjax/"
cp -r "$work/mathjax/es5/input" "$work/mathjax/es5/output" "$work/mathjax/es5/ui" "$work/mathjax/es5/a11y" \
  "$work/mathjax/es5/adaptors" "$dest.tmp/mathjax/"
cp "$work/requirejs/require.js" "$dest.tmp/widgets/require.js"
# The widget manager loads its chunks and fonts from its own folder.
find "$work/html-manager/dist" -maxdepth 1 -type f ! -name '*.map' -exec cp {} "$dest.tmp/widgets/" \;
cp "$work/vega/build/vega.min.js" "$work/vega-lite/build/vega-lite.min.js" \
  "$work/vega-embed/build/vega-embed.min.js" "$dest.tmp/vega/"
for p in mathjax requirejs html-manager vega vega-lite vega-embed; do
  cp "$work/$p/LICENSE" "$dest.tmp/LICENSE.$p" 2>/dev/null || true
done
printf '%s\n' "${packages[@]}" > "$dest.tmp/VERSIONS"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
