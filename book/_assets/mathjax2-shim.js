// ipywidgets 8 controls typeset their labels with the MathJax 2 API (MathJax.Hub.Queue) whenever
// window.MathJax exists, but the site loads MathJax 3: without this shim that is a page error.
// MathJax 3 reads window.MathJax as its configuration; startup.ready adds a Hub.Queue that typesets.
window.MathJax = window.MathJax || {};
window.MathJax.startup = Object.assign({}, window.MathJax.startup, {
  ready() {
    MathJax.startup.defaultReady();
    MathJax.Hub = {
      Queue(...jobs) {
        for (const job of jobs) {
          if (typeof job === "function") job();
          else if (Array.isArray(job) && job[0] === "Typeset") MathJax.typesetPromise([job[2]]).catch(console.error);
        }
      },
    };
  },
});
