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

  // A kernel-free figure is drawn for the column it sits in: its title and subtitle (the subtitle often
  // says what the colours are) are wrapped to the column's width before the spec is drawn, and a chart
  // wider than the column is shown smaller, down to VEGA_MIN_SCALE of its size; below that it scrolls
  // sideways in its box (cnnviz.css), its titles still in view at its left edge.
  const VEGA_MIN_SCALE = 0.7;
  const measure = document.createElement("canvas").getContext("2d");

  function wrapLines(value, width, font) {
    const lines = Array.isArray(value) ? value : [value];
    if (!lines.every((line) => typeof line === "string")) return value; // a signal: drawn as it comes
    measure.font = font;
    const out = [];
    for (const line of lines) {
      let current = "";
      for (const word of line.split(" ")) {
        const next = current ? current + " " + word : word;
        if (current && measure.measureText(next).width > width) {
          out.push(current);
          current = word;
        } else current = next;
      }
      out.push(current);
    }
    return out.length === 1 ? out[0] : out;
  }

  function fitTitles(spec, width) {
    if (!spec.title || width <= 0) return spec;
    const config = (spec.config && spec.config.title) || {};
    const family = (config.font || (spec.config && spec.config.font) || "sans-serif");
    const title = typeof spec.title === "object" && !Array.isArray(spec.title) ? { ...spec.title } : { text: spec.title };
    title.text = wrapLines(title.text, width, `bold ${title.fontSize || config.fontSize || 13}px ${family}`);
    if (title.subtitle !== undefined) {
      const size = title.subtitleFontSize || config.subtitleFontSize || 12;
      title.subtitle = wrapLines(title.subtitle, width, `${size}px ${family}`);
    }
    return { ...spec, title };
  }

  function contentWidth(el) {
    const style = getComputedStyle(el);
    return el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  }

  function fitVega(figure) {
    const svg = figure.querySelector("svg.marks");
    if (!svg) return;
    const natural = Number(svg.getAttribute("width"));
    if (!natural) return;
    const scale = Math.min(1, Math.max(VEGA_MIN_SCALE, contentWidth(figure) / natural));
    svg.style.width = natural * scale + "px";
    svg.style.height = "auto";
  }

  async function renderAll() {
    const figures = document.querySelectorAll("div.cnnviz-vega[data-spec]");
    if (figures.length === 0) return;
    await loadVega();
    for (const figure of figures) {
      // the titles wrap at the column's width less Vega's padding (8 px a side, cnnviz.interact.static.base)
      const spec = fitTitles(JSON.parse(figure.dataset.spec), contentWidth(figure) - 16);
      await window.vegaEmbed(figure, spec, { actions: false, renderer: "svg" });
      fitVega(figure);
      figure.dataset.rendered = "true";
    }
  }

  // Diagrams (Graphviz SVGs, alt "Diagram: ...") shrink to the column, but never below MIN_SCALE of their
  // drawn size, so that their text stays readable (>= 9 px). Each is put in a frame (div.cnnviz-diagram)
  // whose inner box scrolls. A diagram taller than TALL viewport heights, or wider than the column, is
  // "framed": its box is at most 80% of the viewport high (cnnviz.css; with a key, 90% less the key's
  // height, so that box and key are in view together) and scrolls both ways, and its
  // caption and colour key, which Graphviz draws at the bottom of the drawing, are cut out of the drawing
  // and shown below the box, cut from the same image (a CSS background), so that they stay in view
  // whatever part of the drawing the reader has scrolled to. Where they lie in the drawing, the build
  // wrote into the hidden span.cnnviz-diagram-keybox after the image (book/_ext/cnnviz_site.py).
  const MIN_SCALE = 0.7;
  const TALL = 1.0;

  function frameOf(img) {
    const existing = img.closest("div.cnnviz-diagram");
    if (existing) return existing;
    const marker = img.nextElementSibling;
    const frame = document.createElement("div");
    frame.className = "cnnviz-diagram";
    const scroll = document.createElement("div");
    scroll.className = "cnnviz-diagram-scroll";
    const clip = document.createElement("div");
    clip.className = "cnnviz-diagram-clip";
    img.replaceWith(frame);
    clip.appendChild(img);
    scroll.appendChild(clip);
    frame.appendChild(scroll);
    if (marker && marker.classList.contains("cnnviz-diagram-keybox")) {
      const key = document.createElement("div");
      key.className = "cnnviz-diagram-key";
      key.dataset.key = marker.dataset.key;
      key.setAttribute("aria-hidden", "true"); // the same words are the image's alt text and its drawing
      key.hidden = true;
      frame.appendChild(key);
    }
    return frame;
  }

  function layoutDiagram(img) {
    if (!img.naturalWidth) return;
    const frame = frameOf(img);
    const scroll = frame.querySelector(".cnnviz-diagram-scroll");
    const clip = frame.querySelector(".cnnviz-diagram-clip");
    const key = frame.querySelector(".cnnviz-diagram-key");
    // the output's width, less the 1-px border a framed box draws on each side
    const column = (frame.parentElement ? frame.parentElement.clientWidth : frame.clientWidth) - 2;
    const width = Math.min(img.naturalWidth, Math.max(column, MIN_SCALE * img.naturalWidth));
    const height = (width * img.naturalHeight) / img.naturalWidth;
    img.style.maxWidth = "none";
    img.style.width = width + "px";
    clip.style.width = width + "px"; // the clip cuts the key off the bottom only; the box scrolls sideways
    const framed = height > TALL * window.innerHeight || width > column + 1;
    frame.classList.toggle("cnnviz-diagram-framed", framed);
    if (framed) {
      scroll.tabIndex = 0; // scrolled with the keyboard too
      scroll.setAttribute("role", "region");
      scroll.setAttribute("aria-label", "Diagram, scrolls inside this box");
    } else {
      scroll.removeAttribute("tabindex");
      scroll.removeAttribute("role");
      scroll.removeAttribute("aria-label");
    }
    if (framed && key) {
      const [left, top, w, h] = key.dataset.key.split(" ").map(Number);
      clip.style.height = Math.ceil(top * height) + "px"; // the drawing without its own caption and key
      const fit = Math.min(1, column / (w * width)); // a key wider than the column is shown smaller
      const [sw, sh] = [width * fit, height * fit];
      Object.assign(key.style, {
        width: w * sw + "px",
        height: h * sh + "px",
        marginLeft: Math.max(0, (Math.min(width, column) - w * sw) / 2) + "px",
        backgroundImage: 'url("' + (img.currentSrc || img.src) + '")',
        backgroundSize: sw + "px " + sh + "px",
        backgroundPosition: -left * sw + "px " + -top * sh + "px",
      });
      key.hidden = false;
      // box and key in one view: the box gives up the key's height (and the gap between them)
      scroll.style.maxHeight = Math.max(0.4 * window.innerHeight, 0.9 * window.innerHeight - h * sh - 16) + "px";
    } else {
      clip.style.height = "";
      scroll.style.maxHeight = "";
      if (key) key.hidden = true;
    }
    frame.dataset.laidOut = "true";
    if (framed && !scroll.dataset.centred) {
      // Graphviz centres a drawing: start a sideways-scrolling one at its middle, not at an empty edge
      scroll.scrollLeft = (scroll.scrollWidth - scroll.clientWidth) / 2;
      scroll.dataset.centred = "true";
    }
  }

  function sizeDiagrams() {
    for (const img of document.querySelectorAll('.cell_output img[alt^="Diagram"]')) {
      if (img.complete) layoutDiagram(img);
      else img.addEventListener("load", () => layoutDiagram(img), { once: true });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    sizeDiagrams();
    renderAll().catch((error) => console.error(error));
  });
  window.addEventListener("resize", () => {
    sizeDiagrams();
    document.querySelectorAll("div.cnnviz-vega[data-rendered]").forEach(fitVega);
  });
})();
