// Kernel-free answer boxes of the book's exercises (cnnviz.interact.exercises.page): each box carries the
// value cnnviz computed at build time (data-expected) and the accepted relative error (data-rel-tol). The box
// is hidden in the page's HTML (Jupyter shows the check cell instead); this script shows and wires it.
(function () {
  "use strict";
  function parse(text) {
    var cleaned = text.replace(/[\s,_\u202f\u00a0]/g, "").replace(/%$/, "").replace(/\u2212/g, "-");
    if (cleaned === "" || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) { return null; }
    return Number(cleaned);
  }
  function verdict(given, expected, relTol) {
    if (given === null) { return ["Type a number, e.g. 1234 or 1,234.", false]; }
    var right = relTol > 0 ? Math.abs(given - expected) <= relTol * Math.max(Math.abs(given), Math.abs(expected))
                           : given === expected;
    if (right) { return ["\u2705 Right.", true]; }
    if (expected !== 0 && Math.abs(given - expected) <= 0.05 * Math.abs(expected)) {
      return ["\u274c Close: within 5% but not it.", false];
    }
    return ["\u274c Not quite: " + (given > expected ? "too large." : "too small.") + " Try the hint.", false];
  }
  function wire(box) {
    var input = box.querySelector("input");
    var button = box.querySelector("button");
    var feedback = box.querySelector(".cnnviz-answer-feedback");
    var expected = Number(box.getAttribute("data-expected"));
    var relTol = Number(box.getAttribute("data-rel-tol")) || 0;
    function check() {
      var result = verdict(parse(input.value), expected, relTol);
      feedback.textContent = result[0];
      box.setAttribute("data-correct", result[1] ? "true" : "false");
    }
    button.addEventListener("click", check);
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") { check(); } });
    box.hidden = false;
    box.style.display = "";
  }
  function wireAll() { document.querySelectorAll("div.cnnviz-answer-box[hidden]").forEach(wire); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wireAll); } else { wireAll(); }
})();
