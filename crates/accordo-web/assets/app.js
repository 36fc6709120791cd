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
  // A table or a chart wider than its box: the sides where something is hidden are marked,
  // with how much (app.css fades them), and the box can be reached and scrolled by keyboard,
  // named for screen readers by its caption; all undone when it fits again.
  var FADE_MAX = 40;
  function wordsOf(element) {
    if (!element) { return ""; }
    var words = element.cloneNode(true);
    words.querySelectorAll("a, button").forEach(function (part) { part.remove(); });
    // Without its links, a caption's separators would stand alone ("Events · · ·").
    return words.textContent.replace(/\s+/g, " ").replace(/(\s*·\s*)+$/, "").replace(/(\s*·\s*){2,}/g, " · ").trim();
  }
  function regionName(box) {
    var chart = box.tagName === "FIGURE";
    var words = chart
      ? wordsOf(box.querySelector("svg > title")) || wordsOf(box.querySelector("figcaption"))
      : wordsOf(box.querySelector("caption"));
    var generic = document.body.getAttribute(chart ? "data-chart-region" : "data-table-region") || "";
    return words ? words + " · " + generic : generic;
  }
  function scrollCue(box) {
    var hidden = box.scrollWidth - box.clientWidth;
    var from = Math.abs(box.scrollLeft); // negative on right-to-left pages
    var before = hidden > 1 ? Math.min(from, FADE_MAX) : 0;
    var after = hidden > 1 ? Math.min(hidden - from, FADE_MAX) : 0;
    box.classList.toggle("scroll-more-start", before > 1);
    box.classList.toggle("scroll-more-end", after > 1);
    box.style.setProperty("--fade-start-size", before + "px");
    box.style.setProperty("--fade-end-size", after + "px");
    if (hidden > 1 && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", regionName(box));
      box.setAttribute("data-scroll-region", "");
    } else if (hidden <= 1 && box.hasAttribute("data-scroll-region")) {
      ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) { box.removeAttribute(name); });
    }
  }
  function scrollCues(root) {
    root.querySelectorAll(".table-responsive, .chart-scroll").forEach(function (box) {
      if (!box.hasAttribute("data-scroll-cue")) {
        box.setAttribute("data-scroll-cue", "");
        box.addEventListener("scroll", function () { scrollCue(box); }, { passive: true });
      }
      scrollCue(box);
    });
  }
  window.addEventListener("resize", function () { scrollCues(document); });
  // A table in a closed <details> has no width until it opens (toggle does not bubble).
  document.addEventListener("toggle", function () { scrollCues(document); }, true);
  document.addEventListener("htmx:afterSettle", function () { scrollCues(document); });
  // A refused form's summary names each field before its error ("Category: required"), in the
  // words of the field's own label or legend, and lists them in the form's order; without this
  // script it lists the errors alone, by the fields' names.
  function nameSummaryLinks(summary) {
    var items = [];
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      if (link.parentElement.tagName === "LI") { items.push({ item: link.parentElement, field: field }); }
      var label = document.querySelector("label[for='" + field.id + "']");
      if (!label && field.closest("fieldset")) { label = field.closest("fieldset").querySelector("legend"); }
      if (!label) { return; }
      var words = label.cloneNode(true);
      words.querySelectorAll(".required-mark").forEach(function (mark) { mark.remove(); });
      var name = words.textContent.replace(/\s+/g, " ").trim();
      if (name && link.textContent.trim().indexOf(name) !== 0) {
        var named = document.createElement("span");
        named.className = "fw-semibold";
        named.textContent = name + ": ";
        link.insertBefore(named, link.firstChild);
      }
    });
    items.sort(function (a, b) {
      return a.field.compareDocumentPosition(b.field) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    items.forEach(function (entry) { entry.item.parentElement.appendChild(entry.item); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    scrollCues(document);
    // After a refused form, take the reader to the list of what to fix.
    var summary = document.querySelector(".error-summary");
    if (summary) { nameSummaryLinks(summary); summary.focus(); }
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
