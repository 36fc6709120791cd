// accordo's few lines of behaviour on top of bootstrap-italia and htmx. Pages work without
// them; they only save a step.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // After a refused form, take the reader to the list of what to fix.
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
  // htmx errors are shown, never swallowed.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 401 || status === 403) { window.location.reload(); }
  });
})();
