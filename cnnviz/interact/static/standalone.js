// Draws one kernel-free figure in a notebook front end (JupyterLab, Notebook 7, VS Code, Colab), offline.
// The output carries its own renderer: the vendored Vega, Vega-Lite and Vega-Embed bundles, gzipped and
// base64-encoded in a <script type="text/plain"> beside the figure. They are evaluated once per page
// (window.vegaEmbed is reused); Colab shows each output in its own frame, so each output brings them along.
(function (script) {
  const box = script && script.closest ? script.closest("div.cnnviz-figure") : null;
  if (!box) return;
  const figure = box.querySelector("div.cnnviz-vega[data-spec]");
  const bundle = box.querySelector("script.cnnviz-vega-bundle");

  async function unpack() {
    const bytes = Uint8Array.from(atob(bundle.textContent.trim()), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  function vegaEmbed() {
    if (window.vegaEmbed) return Promise.resolve(window.vegaEmbed);
    if (!window.cnnvizVegaLoading) {
      window.cnnvizVegaLoading = unpack().then((code) => {
        // The bundles are UMD: with an AMD loader on the page (require.js in classic notebook front ends)
        // they would register anonymous modules instead of globals, so `define` is hidden while they run.
        const define = window.define;
        window.define = undefined;
        try {
          (0, eval)(code);
        } finally {
          window.define = define;
        }
        return window.vegaEmbed;
      });
    }
    return window.cnnvizVegaLoading;
  }

  vegaEmbed()
    .then((embed) => embed(figure, JSON.parse(figure.dataset.spec), { actions: false, renderer: "svg" }))
    .then(() => {
      figure.dataset.rendered = "true";
    })
    .catch((error) => console.error("cnnviz: the figure could not be drawn", error));
})(document.currentScript);
