// Renders the book's kernel-free interactive figures: a <div class="cnnviz-vega" data-spec="..."> holds a
// Vega-Lite spec (sliders bound to parameters over data precomputed by cnnviz); this script loads the
// vendored Vega bundles from _static/vega and embeds each spec. No kernel and no network needed.
(function () {
  const root = () => document.documentElement.dataset.content_root || "./";
  const load = (src) =>
    new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error("cnnviz: could not load " + src));
      document.head.appendChild(script);
    });

  async function loadVega() {
    if (window.vegaEmbed) return;
    // The UMD bundles register as anonymous AMD modules when require.js is on the page (widget pages),
    // which require.js rejects; hide `define` while they load so that they set globals instead.
    const define = window.define;
    window.define = undefined;
    try {
      for (const file of ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"]) {
        await load(root() + "_static/vega/" + file);
      }
    } finally {
      window.define = define;
    }
  }

  async function renderAll() {
    const figures = document.querySelectorAll("div.cnnviz-vega[data-spec]");
    if (figures.length === 0) return;
    await loadVega();
    for (const figure of figures) {
      await window.vegaEmbed(figure, JSON.parse(figure.dataset.spec), { actions: false, renderer: "svg" });
      figure.dataset.rendered = "true";
    }
  }

  // Diagrams (Graphviz SVGs, alt "Diagram: ...") shrink to the column, but never below MIN_SCALE of their
  // drawn size, so that their text stays readable (>= 9 px); a wider one scrolls sideways in its output.
  const MIN_SCALE = 0.7;
  function sizeDiagrams() {
    for (const img of document.querySelectorAll('.cell_output img[alt^="Diagram"]')) {
      const fit = () => {
        const box = img.parentElement;
        if (!img.naturalWidth || !box) return;
        const width = Math.min(img.naturalWidth, Math.max(box.clientWidth, MIN_SCALE * img.naturalWidth));
        img.style.maxWidth = "none";
        img.style.width = width + "px";
      };
      if (img.complete) fit();
      else img.addEventListener("load", fit, { once: true });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    sizeDiagrams();
    renderAll().catch((error) => console.error(error));
  });
  window.addEventListener("resize", sizeDiagrams);
})();
