// Draws an area on a map served as SVG: each `svg[data-area-for]` is a map of the window
// data-west/east/south/north (degrees; the drawing is linear in both, as the flows pillar's
// map projects), and names the textarea that holds the area's `LAT LON` lines. A click on the
// map adds the point under it as a vertex; typing in the textarea redraws the outline. The
// textarea stays the form's field, usable without the map (keyboard, screen reader).
(function () {
  "use strict";

  function vertices(text) {
    var out = [];
    text.split(/[\n;]/).forEach(function (line) {
      var parts = line.trim().split(/[\s,]+/).filter(Boolean);
      if (parts.length === 2) {
        var lat = Number(parts[0]), lon = Number(parts[1]);
        if (isFinite(lat) && isFinite(lon)) { out.push([lat, lon]); }
      }
    });
    return out;
  }

  function setUp(svg) {
    var field = document.getElementById(svg.getAttribute("data-area-for"));
    var outline = svg.querySelector("[data-area-outline]");
    if (!field || !outline) { return; }
    var west = Number(svg.dataset.west), east = Number(svg.dataset.east);
    var south = Number(svg.dataset.south), north = Number(svg.dataset.north);
    var box = svg.viewBox.baseVal;
    function project(v) {
      return ((v[1] - west) / (east - west) * box.width).toFixed(1) + "," +
        ((north - v[0]) / (north - south) * box.height).toFixed(1);
    }
    function redraw() {
      outline.setAttribute("points", vertices(field.value).map(project).join(" "));
    }
    svg.addEventListener("click", function (event) {
      var matrix = svg.getScreenCTM();
      if (!matrix) { return; }
      var p = svg.createSVGPoint();
      p.x = event.clientX;
      p.y = event.clientY;
      var at = p.matrixTransform(matrix.inverse());
      var lon = west + at.x / box.width * (east - west);
      var lat = north - at.y / box.height * (north - south);
      var text = field.value.replace(/\s+$/, "");
      field.value = (text ? text + "\n" : "") + lat.toFixed(3) + " " + lon.toFixed(3);
      redraw();
    });
    field.addEventListener("input", redraw);
    redraw();
    svg.setAttribute("data-ready", "true");
  }

  document.querySelectorAll("svg[data-area-for]").forEach(setUp);
})();
