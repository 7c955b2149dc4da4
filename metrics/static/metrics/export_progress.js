// Polls the export's JSON status and updates the <progress> bar; without JS a page refresh does the same.
(function () {
  "use strict";
  var root = document.getElementById("export-status");
  if (!root || !window.fetch) { return; }
  var bar = document.getElementById("export-progress");
  var text = document.getElementById("export-progress-text");
  var download = document.getElementById("export-download");
  var link = document.getElementById("export-download-link");
  var error = document.getElementById("export-error");
  function poll() {
    fetch(root.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        bar.value = job.progress;
        bar.textContent = job.progress + "%";
        text.textContent = job.status_label + " — " + job.progress + "%";
        if (job.error && error) {
          error.textContent = job.error;
          error.hidden = false;
        }
        if (job.download_url) {
          link.href = job.download_url;
          download.hidden = false;
        }
        if (job.status === "queued" || job.status === "running") { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
