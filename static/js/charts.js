// Draw every chart built by core.charts: each [data-chart] element names the JSON script
// holding its plotly figure (and the figure drawn under it, if any) and its table. One shared
// configuration; a narrow screen applies the figure's own phone overrides (layout.meta.narrow);
// a chart drawn under another follows its x range; heat-map cells with a link open it; the
// "Download CSV" link saves the table, cells a spreadsheet would run as formulas defused.
(function () {
  "use strict";

  const NARROW = 576; // px: Bootstrap's "sm" breakpoint, below which a chart is drawn compact
  const CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines"],
  };
  const COMPACT_CONFIG = { responsive: true, displaylogo: false, displayModeBar: false };
  // Spreadsheets run a cell starting with one of these as a formula (core.spreadsheets).
  const FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"];

  // Set a value at a plotly attribute path such as "margin.t" or "annotations[3].text".
  function setPath(target, path, value) {
    const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
    let node = target;
    keys.slice(0, -1).forEach((key, index) => {
      if (node[key] === undefined || node[key] === null) {
        node[key] = /^\d+$/.test(keys[index + 1]) ? [] : {};
      }
      node = node[key];
    });
    node[keys[keys.length - 1]] = value;
  }

  function layoutFor(figure, narrow) {
    const layout = JSON.parse(JSON.stringify(figure.layout || {}));
    const overrides = (layout.meta && layout.meta.narrow) || {};
    if (narrow) {
      Object.keys(overrides).forEach((path) => setPath(layout, path, overrides[path]));
    }
    // The page's own font, as the text around the chart.
    layout.font = Object.assign({}, layout.font, {
      family: getComputedStyle(document.body).fontFamily,
    });
    return layout;
  }

  // A link from the data opens only a page of this site (no javascript:, no other host).
  function isSiteLink(link) {
    return typeof link === "string" && link.startsWith("/") && !link.startsWith("//");
  }

  function defused(text) {
    return FORMULA_STARTS.some((start) => text.startsWith(start)) ? "'" + text : text;
  }

  function csvCell(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return String(value);
    const text = defused(String(value));
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csvText(table) {
    const lines = [table.columns, ...table.rows].map((row) => row.map(csvCell).join(","));
    return lines.join("\r\n") + "\r\n";
  }

  function offerCsv(block, table) {
    const link = block.querySelector("[data-chart-csv]");
    if (!link || !table || !table.columns.length) return;
    const blob = new Blob([csvText(table)], { type: "text/csv;charset=utf-8" });
    link.href = URL.createObjectURL(blob);
    link.hidden = false;
  }

  function openLinks(node) {
    node.on("plotly_click", (event) => {
      const point = event && event.points && event.points[0];
      const link = point && point.customdata;
      if (isSiteLink(link)) window.location.assign(link);
    });
  }

  // Zooming or panning the upper chart moves the one under it: the periods stay aligned.
  function followX(leader, follower) {
    leader.on("plotly_relayout", (event) => {
      let range = null;
      if (event["xaxis.autorange"]) range = leader.layout.xaxis.range.slice();
      else if (event["xaxis.range[0]"] !== undefined) {
        range = [event["xaxis.range[0]"], event["xaxis.range[1]"]];
      } else if (event["xaxis.range"]) range = event["xaxis.range"].slice();
      if (range) Plotly.relayout(follower, { "xaxis.range": range });
    });
  }

  function draw(block) {
    const source = document.getElementById(block.dataset.chart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const nodes = Array.from(block.querySelectorAll("[data-chart-plot]"));
    const figures = [data.figure, data.below].filter(Boolean);
    const config = data.compact ? COMPACT_CONFIG : CONFIG;
    const narrow = nodes[0].clientWidth < NARROW;
    block.chartState = { data, nodes, figures, config, narrow };
    const drawn = figures.map((figure, index) =>
      Plotly.newPlot(nodes[index], figure.data, layoutFor(figure, narrow), config)
    );
    Promise.all(drawn).then(() => {
      nodes.forEach((node, index) => {
        const traces = figures[index].data || [];
        if (traces.some((trace) => trace.customdata && trace.type === "heatmap")) {
          block.classList.add("chart-linked");
          openLinks(node);
        }
      });
      if (nodes.length > 1) followX(nodes[0], nodes[1]);
    });
    offerCsv(block, data.table);
  }

  // Redraw a chart whose width crossed the phone breakpoint (plotly resizes the rest itself).
  function redrawCrossed() {
    document.querySelectorAll("[data-chart]").forEach((block) => {
      const state = block.chartState;
      if (!state) return;
      const narrow = state.nodes[0].clientWidth < NARROW;
      if (narrow === state.narrow) return;
      state.narrow = narrow;
      state.figures.forEach((figure, index) =>
        Plotly.react(state.nodes[index], figure.data, layoutFor(figure, narrow), state.config)
      );
    });
  }

  function start() {
    if (typeof Plotly === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(draw);
    let pending = null;
    window.addEventListener("resize", () => {
      clearTimeout(pending);
      pending = setTimeout(redrawCrossed, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
