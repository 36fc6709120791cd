// Draws an area on a map served as SVG: each `svg[data-area-for]` is a map of the window
// data-west/east/south/north (degrees; the drawing is linear in both, as the flows pillar's
// map projects), and names the textarea that holds the area's `LAT LON` lines. A click on the
// map adds the point under it as a vertex; typing in the textarea redraws the outline. The
// map zooms (its buttons `[data-area-zoom=in|out|reset]`, or the wheel) and pans (drag), so a
// sea zone can be drawn at the scale it needs, on a phone too. The textarea stays the form's
// field, usable without the map (keyboard, screen reader).
(function () {
  "use strict";

  var MAX_ZOOM = 32;

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
    var start = svg.viewBox.baseVal;
    var W = start.width, H = start.height;
    var view = { x: 0, y: 0, w: W, h: H };

    function show() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map(function (v) { return v.toFixed(2); }).join(" "));
      svg.setAttribute("data-zoom", (W / view.w).toFixed(2));
    }
    // Zooms by `factor` keeping the map point (px, py) where it is on screen.
    function zoom(factor, px, py) {
      var w = Math.min(W, Math.max(W / MAX_ZOOM, view.w / factor));
      var h = w * H / W;
      view.x = px - (px - view.x) * w / view.w;
      view.y = py - (py - view.y) * h / view.h;
      view.w = w;
      view.h = h;
      view.x = Math.min(Math.max(view.x, 0), W - w);
      view.y = Math.min(Math.max(view.y, 0), H - h);
      show();
    }
    function mapPoint(clientX, clientY) {
      var matrix = svg.getScreenCTM();
      if (!matrix) { return null; }
      var p = svg.createSVGPoint();
      p.x = clientX;
      p.y = clientY;
      return p.matrixTransform(matrix.inverse());
    }
    function project(v) {
      return ((v[1] - west) / (east - west) * W).toFixed(2) + "," +
        ((north - v[0]) / (north - south) * H).toFixed(2);
    }
    function redraw() {
      outline.setAttribute("points", vertices(field.value).map(project).join(" "));
    }

    // A drag pans (when zoomed in); a click or a tap that did not drag adds a vertex.
    var drag = null, dragged = false;
    function stop() { drag = null; }
    svg.addEventListener("pointerdown", function (event) {
      if (!event.isPrimary) { return; }
      drag = { id: event.pointerId, x: event.clientX, y: event.clientY, view: { x: view.x, y: view.y },
        slack: event.pointerType === "touch" ? 10 : 6 };
      dragged = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag || event.pointerId !== drag.id) { return; }
      if (event.pointerType === "mouse" && !event.buttons) { stop(); return; }
      if (view.w >= W) { return; }
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (!dragged && Math.abs(dx) + Math.abs(dy) < drag.slack) { return; }
      if (!dragged) { svg.setPointerCapture(event.pointerId); }
      dragged = true;
      var scale = view.w / svg.getBoundingClientRect().width;
      view.x = Math.min(Math.max(drag.view.x - dx * scale, 0), W - view.w);
      view.y = Math.min(Math.max(drag.view.y - dy * scale, 0), H - view.h);
      show();
    });
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);
    svg.addEventListener("click", function (event) {
      if (dragged) { dragged = false; return; }
      var at = mapPoint(event.clientX, event.clientY);
      if (!at) { return; }
      var lon = west + at.x / W * (east - west);
      var lat = north - at.y / H * (north - south);
      var text = field.value.replace(/\s+$/, "");
      field.value = (text ? text + "\n" : "") + lat.toFixed(3) + " " + lon.toFixed(3);
      redraw();
    });
    // The wheel zooms where it points, and lets the page scroll when the map cannot zoom
    // further that way.
    svg.addEventListener("wheel", function (event) {
      if (event.deltaY === 0) { return; }
      var inward = event.deltaY < 0;
      if ((inward && view.w <= W / MAX_ZOOM) || (!inward && view.w >= W)) { return; }
      var at = mapPoint(event.clientX, event.clientY);
      if (!at) { return; }
      event.preventDefault();
      zoom(Math.exp(-Math.max(-100, Math.min(100, event.deltaY)) * 0.004), at.x, at.y);
    }, { passive: false });
    document.querySelectorAll("[data-area-zoom][data-area-map='" + svg.id + "']").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-area-zoom");
        if (how === "reset") {
          view = { x: 0, y: 0, w: W, h: H };
          show();
          return;
        }
        zoom(how === "in" ? 2 : 0.5, view.x + view.w / 2, view.y + view.h / 2);
        // Zooming in centres the last vertex, when there is one.
        var last = vertices(field.value).pop();
        if (last && how === "in") {
          view.x = (last[1] - west) / (east - west) * W - view.w / 2;
          view.y = (north - last[0]) / (north - south) * H - view.h / 2;
          view.x = Math.min(Math.max(view.x, 0), W - view.w);
          view.y = Math.min(Math.max(view.y, 0), H - view.h);
          show();
        }
      });
    });
    field.addEventListener("input", redraw);
    redraw();
    show();
    svg.setAttribute("data-ready", "true");
  }

  document.querySelectorAll("svg[data-area-for]").forEach(setUp);
})();
