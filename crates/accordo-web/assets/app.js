// accordo's few lines of behaviour on top of bootstrap-italia and htmx. Pages work without
// them; they only save a step.
(function () {
  "use strict";
  // A readmission request offers only the evidence the chosen partner's agreement accepts
  // (without this script every kind is shown, and the server names any it refuses).
  function filterEvidence(select) {
    var option = select.options[select.selectedIndex];
    var accepts = option ? (option.getAttribute("data-accepts") || "").split(" ") : [];
    select.form.querySelectorAll("[data-evidence]").forEach(function (box) {
      var accepted = accepts.indexOf(box.getAttribute("data-evidence")) >= 0;
      var input = box.querySelector("input");
      box.hidden = !accepted;
      input.disabled = !accepted;
      if (!accepted) { input.checked = false; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    // After a refused form, take the reader to the list of what to fix.
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
    document.querySelectorAll("select[data-evidence-filter]").forEach(function (select) {
      filterEvidence(select);
      select.addEventListener("change", function () { filterEvidence(select); });
    });
  });
  // htmx errors are shown, never swallowed.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 401 || status === 403) { window.location.reload(); }
  });
})();
