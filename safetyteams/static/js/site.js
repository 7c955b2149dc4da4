/* Progressive enhancement only: every page works the same without this file (CSP: no inline script). */
(function () {
  "use strict";

  // After a failed submit, move focus to the error summary so keyboard and screen-reader users land on it.
  function focusErrorSummary(root) {
    var summary = root.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      return true;
    }
    return false;
  }

  // Links in the summary point at a field: focus the field itself, with its label in view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });

  // Meeting view: forms marked data-enhance are sent in the background and only <main> is replaced,
  // so the chair keeps the place on the page; on any network trouble the form is simply submitted.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-enhance]") || !window.fetch || !window.DOMParser) return;
    event.preventDefault();
    var button = event.submitter || form.querySelector("[type=submit]");
    var data = new FormData(form);
    if (button && button.name) data.append(button.name, button.value);
    if (button) button.disabled = true;
    var section = form.closest("section[id], section[aria-labelledby]");
    var sectionKey = section ? section.id || section.getAttribute("aria-labelledby") : null;
    fetch(form.action || window.location.href, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (response.status >= 500 || !response.headers.get("content-type").startsWith("text/html")) {
          throw new Error("fallback");
        }
        return response.text().then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html");
          var main = fresh.querySelector("main");
          if (!main) throw new Error("fallback");
          document.querySelector("main").replaceWith(main);
          document.title = fresh.title;
          if (response.redirected) window.history.replaceState(null, "", response.url);
          if (focusErrorSummary(main)) return;
          var status = main.querySelector(".messages");
          var again = sectionKey && (document.getElementById(sectionKey) ||
            main.querySelector("[aria-labelledby='" + sectionKey + "']"));
          var target = status || again || main;
          if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
          target.focus();
        });
      })
      .catch(function () {
        if (button) button.disabled = false;
        form.removeAttribute("data-enhance");
        if (form.requestSubmit) form.requestSubmit(button || undefined); else form.submit();
      });
  });

  focusErrorSummary(document);
})();
