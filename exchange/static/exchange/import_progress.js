// Polls the import job's JSON status; once it has finished, reloads for the report. Without JS a
// page refresh does the same.
(function () {
  "use strict";
  var root = document.getElementById("job-status");
  if (!root || !root.hasAttribute("data-poll") || !window.fetch) { return; }
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-progress-text");
  function poll() {
    fetch(root.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        bar.value = job.progress;
        bar.textContent = job.progress + "%";
        text.textContent = job.status_label + " — " + job.processed + " / " + job.total;
        if (job.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
