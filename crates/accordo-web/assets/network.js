// Draws a network with the vendored cytoscape.js: each element with `data-network` holds the
// JSON of {"nodes": [{id, kind, label, distance, degree}], "edges": [{source, target,
// relation, messages}]}. Rings by distance from the first node. A relation a message states is
// labelled with the words of `data-relation-RELATION` on the element (the reader's language). Tapping a node asks
// `data-expand?entity=ID` for the nodes one edge away and adds them; a case node (kind "case")
// is not expanded. The page's tables beside the drawing hold the same data, with links, for
// screen readers and keyboards.
(function () {
  "use strict";

  var COLOURS = {
    "case": "#5c6f82", person: "#0066cc", phone: "#008055", imo: "#995c00", mmsi: "#995c00",
    vehicle: "#6b4fbb", iban: "#cc334d", email: "#00805c", handle: "#0073a8", url: "#0073a8",
    document: "#a66300"
  };

  function elements(data, box) {
    var out = [];
    data.nodes.forEach(function (n) {
      out.push({ group: "nodes", data: { id: n.id, label: n.label, kind: n.kind, distance: n.distance } });
    });
    data.edges.forEach(function (e) {
      out.push({ group: "edges", data: {
        id: e.source + "\u0000" + e.target + "\u0000" + e.relation,
        source: e.source, target: e.target, relation: e.relation, weight: e.messages,
        words: box.getAttribute("data-relation-" + e.relation) || "" } });
    });
    return out;
  }

  function layout(cy) {
    cy.layout({
      name: "concentric", animate: false, minNodeSpacing: 24,
      concentric: function (n) { return 100 - n.data("distance"); },
      levelWidth: function () { return 1; }
    }).run();
  }

  function draw(box) {
    var data = JSON.parse(box.getAttribute("data-network"));
    var status = box.parentNode.parentNode.querySelector("[data-network-status]");
    var cy = window.cytoscape({
      container: box,
      elements: elements(data, box),
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 10, "text-wrap": "ellipsis", "text-max-width": 110,
          "text-valign": "bottom", "text-margin-y": 3, "color": "#1a1a1a",
          "background-color": function (n) { return COLOURS[n.data("kind")] || "#5c6f82"; },
          "width": 18, "height": 18 } },
        { selector: "node[kind = 'case']", style: { "shape": "round-rectangle", "width": 26, "height": 16 } },
        { selector: "node[distance = 0]", style: { "border-width": 3, "border-color": "#1a1a1a", "width": 24, "height": 24 } },
        { selector: "edge", style: {
          "width": function (e) { return Math.min(1 + e.data("weight"), 6); },
          "line-color": "#a3b1bf", "curve-style": "haystack" } },
        { selector: "edge[relation = 'in-case']", style: { "line-style": "dashed" } },
        // What a message states: drawn apart from co-occurrence, from subject to object.
        { selector: "edge[relation = 'uses'], edge[relation = 'owns'], edge[relation = 'paid-to'], edge[relation = 'travelled-with']",
          style: { "curve-style": "unbundled-bezier", "control-point-distances": 22, "control-point-weights": 0.5,
            "line-color": "#995c00", "target-arrow-color": "#995c00" } },
        { selector: "edge[relation = 'uses'], edge[relation = 'owns'], edge[relation = 'paid-to']",
          style: { "target-arrow-shape": "triangle" } },
        { selector: "edge[words != '']", style: {
          "label": "data(words)", "font-size": 9, "color": "#5c3700", "text-rotation": "autorotate",
          "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 1 } }
      ]
    });
    layout(cy);
    box.setAttribute("data-ready", String(cy.nodes().length));

    function say(text) { if (status) { status.textContent = text; } }

    function expand(node) {
      if (node.data("kind") === "case" || node.data("expanded")) { return; }
      node.data("expanded", true);
      var url = box.getAttribute("data-expand") + "?entity=" + encodeURIComponent(node.id());
      fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (more) {
          var base = node.data("distance");
          var added = 0;
          more.nodes.forEach(function (n) {
            if (cy.getElementById(n.id).empty()) {
              cy.add({ group: "nodes", data: { id: n.id, label: n.label, kind: n.kind, distance: base + n.distance } });
              added += 1;
            }
          });
          elements({ nodes: [], edges: more.edges }, box).forEach(function (e) {
            if (cy.getElementById(e.data.id).empty()) { cy.add(e); }
          });
          layout(cy);
          box.setAttribute("data-ready", String(cy.nodes().length));
          say(box.getAttribute("data-text-expanded").replace("{n}", String(added)).replace("{label}", node.data("label")));
        })
        .catch(function () {
          node.data("expanded", false);
          say(box.getAttribute("data-text-failed"));
        });
    }

    cy.on("tap", "node", function (event) { expand(event.target); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.cytoscape) { return; }
    document.querySelectorAll("[data-network]").forEach(draw);
  });
})();
