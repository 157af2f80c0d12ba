// Draw the journey map's handoff arrows between touchpoint cards (an SVG over the grid).
// Cross-owner handoffs, where breakdowns happen, are drawn thicker in the warning colour.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

  function ensureMarkers(svg) {
    if (svg.querySelector("defs")) return;
    const defs = document.createElementNS(SVG, "defs");
    for (const [id, cls] of [["jm-head-cross", "jm-head-cross"], ["jm-head-same", "jm-head-same"]]) {
      const marker = document.createElementNS(SVG, "marker");
      marker.setAttribute("id", id);
      marker.setAttribute("viewBox", "0 0 10 10");
      marker.setAttribute("refX", "9");
      marker.setAttribute("refY", "5");
      marker.setAttribute("markerWidth", "7");
      marker.setAttribute("markerHeight", "7");
      marker.setAttribute("orient", "auto-start-reverse");
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", "M 0 0 L 10 5 L 0 10 z");
      path.setAttribute("class", cls);
      marker.appendChild(path);
      defs.appendChild(marker);
    }
    svg.appendChild(defs);
  }

  function anchor(card, box, toward) {
    const rect = card.getBoundingClientRect();
    const x = rect.left - box.left;
    const y = rect.top - box.top;
    const centre = { x: x + rect.width / 2, y: y + rect.height / 2 };
    if (Math.abs(toward.x - centre.x) > rect.width / 2) {
      return { x: toward.x > centre.x ? x + rect.width : x, y: centre.y };
    }
    return { x: centre.x, y: toward.y > centre.y ? y + rect.height : y };
  }

  function draw() {
    const map = document.getElementById("journey-map");
    if (!map) return;
    const scroll = map.querySelector(".jm-scroll");
    const grid = map.querySelector(".jm-grid");
    const svg = map.querySelector(".jm-arrows");
    if (!scroll || !grid || !svg) return;
    // app.css sets the column count for up to 20 stages from data-stages; longer maps get it here.
    if (grid.dataset.stages) grid.style.setProperty("--jm-stages", grid.dataset.stages);
    svg.querySelectorAll("path.jm-arrow").forEach((node) => node.remove());
    svg.setAttribute("width", grid.scrollWidth);
    svg.setAttribute("height", grid.scrollHeight);
    ensureMarkers(svg);
    const box = grid.getBoundingClientRect();
    map.querySelectorAll("[data-handoff]").forEach((item) => {
      const from = map.querySelector(`[data-touchpoint="${item.dataset.from}"]`);
      const to = map.querySelector(`[data-touchpoint="${item.dataset.to}"]`);
      if (!from || !to) return;
      const toRect = to.getBoundingClientRect();
      const fromRect = from.getBoundingClientRect();
      const toCentre = { x: toRect.left - box.left + toRect.width / 2, y: toRect.top - box.top + toRect.height / 2 };
      const fromCentre = { x: fromRect.left - box.left + fromRect.width / 2, y: fromRect.top - box.top + fromRect.height / 2 };
      const start = anchor(from, box, toCentre);
      const end = anchor(to, box, fromCentre);
      const cross = item.dataset.cross === "true";
      const bend = (end.x - start.x) / 2;
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", `M ${start.x} ${start.y} C ${start.x + bend} ${start.y}, ${end.x - bend} ${end.y}, ${end.x} ${end.y}`);
      path.setAttribute("class", `jm-arrow ${cross ? "jm-arrow-cross" : "jm-arrow-same"}`);
      path.setAttribute("marker-end", `url(#${cross ? "jm-head-cross" : "jm-head-same"})`);
      path.dataset.cross = String(cross);
      svg.appendChild(path);
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", draw);
})();
