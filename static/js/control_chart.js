// Draw an indicator's control chart with Plotly from the JSON the page embeds (#chart-data):
// values, centre line and control limits (stepped where they vary, broken where they were
// recalculated), special-cause points coloured by direction, the target, annotations, and the
// moving-range (or range) chart below. Colours follow NHS "Making Data Count". A period that has
// not ended is drawn apart: a hollow point on a dotted segment, labelled "so far".
(function () {
  "use strict";

  const COLOURS = {
    line: "#6c757d",
    common: "#7b838a",
    improving: "#1971c2",
    deteriorating: "#e8590c",
    neutral: "#7048e8",
    centre: "#343a40",
    limit: "#c92a2a",
    target: "#2b8a3e",
    note: "#1f5f8b",
    grid: "#e9ecef",
  };
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // As metrics_format.number: decimals by the size of the value, none for whole numbers.
  function number(value) {
    if (value === null || value === undefined || !Number.isFinite(value)) return "—";
    const size = Math.abs(value);
    let text;
    if (size >= 100) text = value.toLocaleString("en-GB", { maximumFractionDigits: 0 });
    else if (size >= 10) text = value.toFixed(1);
    else if (size >= 1) text = value.toFixed(2);
    else if (size === 0) text = "0";
    else text = value.toPrecision(3);
    if (Number.isInteger(value) && !text.includes("e")) text = text.split(".")[0];
    return text.replace("-", "−");
  }

  function measure(value, unit) {
    const text = number(value);
    if (!unit || text === "—") return text;
    return unit === "%" ? text + unit : text + " " + unit;
  }

  function periodLabel(iso, grain) {
    const [year, month, day] = iso.split("-").map(Number);
    if (grain === "month") return MONTHS[month - 1] + " " + year;
    const text = day + " " + MONTHS[month - 1] + " " + year;
    return grain === "week" ? "week of " + text : text;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  }

  // Index of the limit segment a period belongs to (segments start at the given periods).
  function segmentIndex(period, starts) {
    let index = 0;
    starts.forEach((start, position) => {
      if (period >= start) index = position + 1;
    });
    return index;
  }

  function side(point, centre) {
    if (centre === null || centre === undefined || point.value === centre) return 0;
    return point.value > centre ? 1 : -1;
  }

  function limitTraces(points, starts, key, name, style, showLegend) {
    // One trace per limit segment, so a recalculation shows as a break in the line.
    const groups = new Map();
    points.forEach((point) => {
      const index = segmentIndex(point.period, starts);
      if (!groups.has(index)) groups.set(index, []);
      groups.get(index).push(point);
    });
    const traces = [];
    let first = true;
    for (const group of groups.values()) {
      const values = group.map((point) => point[key]);
      if (values.every((value) => value === null || value === undefined)) continue;
      // Limits that step with n read better solid (dashes break up each step).
      const varies = new Set(values.filter((value) => value !== null)).size > 1;
      traces.push({
        type: "scatter",
        mode: "lines",
        x: group.map((point) => point.period),
        y: values,
        name: name,
        legendgroup: key,
        showlegend: showLegend && first,
        line: Object.assign({ shape: "hvh", width: 1.5 }, style, varies ? { dash: "solid", width: 1.2 } : {}),
        hovertemplate: name + " %{y:.4~g}<extra></extra>",
        connectgaps: false,
      });
      first = false;
    }
    return traces;
  }

  function lastValue(points, key) {
    for (let index = points.length - 1; index >= 0; index -= 1) {
      const value = points[index][key];
      if (value !== null && value !== undefined) return value;
    }
    return null;
  }

  function mainFigure(data, compact) {
    const unit = data.unit || "";
    const grain = data.grain;
    // Per-point limits from the snapshots; the chart summary stands in for a series without them.
    const perPoint = data.points.some((point) => point.center !== null && point.center !== undefined);
    const points = data.points.map((point) => ({
      period: point.period,
      value: point.value,
      n: point.n,
      center: perPoint ? point.center : data.center,
      ucl: perPoint ? point.ucl : data.ucl,
      lcl: perPoint ? point.lcl : data.lcl,
      signals: point.signals || [],
      inProgress: Boolean(point.in_progress),
    }));
    const complete = points.filter((point) => !point.inProgress);
    const starts = (data.limit_starts || []).slice().sort();
    const labels = data.rule_labels || {};

    const hover = points.map((point) => {
      const lines = ["<b>" + periodLabel(point.period, grain) + "</b>", measure(point.value, unit)];
      if (point.n !== null && point.n !== undefined) lines.push("n = " + number(point.n));
      if (point.center !== null && point.center !== undefined) {
        lines.push("<span style='color:#6c757d'>CL " + number(point.center) +
          (point.lcl !== null && point.lcl !== undefined ? " · LCL " + number(point.lcl) : "") +
          (point.ucl !== null && point.ucl !== undefined ? " · UCL " + number(point.ucl) : "") + "</span>");
      }
      point.signals.forEach((rule) => lines.push("⚠ " + escapeHtml(rule) + ": " + escapeHtml(labels[rule] || rule)));
      if (point.inProgress) lines.push("<i>So far: the period has not ended, so it is not judged</i>");
      return lines.join("<br>");
    });
    const hoverOf = new Map(points.map((point, index) => [point.period, hover[index]]));

    const traces = [
      {
        type: "scatter",
        mode: "lines+markers",
        name: "Value",
        x: complete.map((point) => point.period),
        y: complete.map((point) => point.value),
        text: complete.map((point) => hoverOf.get(point.period)),
        hovertemplate: "%{text}<extra></extra>",
        line: { color: COLOURS.line, width: 1.8 },
        marker: { color: COLOURS.common, size: 6 },
      },
    ];
    const open = points.filter((point) => point.inProgress);
    if (open.length) {
      // The dotted segment starts at the last complete point, which keeps its own marker.
      const joined = complete.length ? [complete[complete.length - 1], ...open] : open;
      const offset = joined.length - open.length;
      traces.push({
        type: "scatter",
        mode: "lines+markers+text",
        name: "So far (period in progress)",
        x: joined.map((point) => point.period),
        y: joined.map((point) => point.value),
        text: joined.map((point, index) => (index < offset ? "" : "so far")),
        textposition: "top center",
        textfont: { size: 11, color: COLOURS.line },
        customdata: joined.map((point) => hoverOf.get(point.period)),
        hovertemplate: "%{customdata}<extra></extra>",
        line: { color: COLOURS.line, width: 1.5, dash: "dot" },
        marker: {
          color: "#fff",
          size: joined.map((point, index) => (index < offset ? 0 : 10)),
          symbol: "circle-open",
          line: { color: COLOURS.line, width: 2 },
        },
      });
    }
    traces.push(...limitTraces(points, starts, "center", "Centre line", { color: COLOURS.centre, width: 1.5 }, true));
    traces.push(...limitTraces(points, starts, "ucl", "Control limits", { color: COLOURS.limit, dash: "dash" }, true));
    traces.push(...limitTraces(points, starts, "lcl", "Control limits", { color: COLOURS.limit, dash: "dash" }, false));

    // Special causes, coloured by whether they lie on the good or the bad side of the centre.
    const flagged = { improving: [], deteriorating: [], neutral: [] };
    points.forEach((point, index) => {
      if (!point.signals.length || point.inProgress) return;
      const where = side(point, point.center);
      let kind = "neutral";
      if (where !== 0) kind = (where > 0) === data.higher_is_better ? "improving" : "deteriorating";
      flagged[kind].push(index);
    });
    const signalNames = {
      improving: "Special cause: improving",
      deteriorating: "Special cause: deteriorating",
      neutral: "Special cause",
    };
    for (const kind of ["improving", "deteriorating", "neutral"]) {
      const indexes = flagged[kind];
      if (!indexes.length) continue;
      traces.push({
        type: "scatter",
        mode: "markers",
        name: signalNames[kind],
        x: indexes.map((index) => points[index].period),
        y: indexes.map((index) => points[index].value),
        text: indexes.map((index) => hover[index]),
        hovertemplate: "%{text}<extra></extra>",
        marker: { color: COLOURS[kind], size: 11, line: { color: "#fff", width: 1.5 } },
      });
    }

    const firstPeriod = points[0].period;
    const lastPeriod = points[points.length - 1].period;
    if (data.target !== null && data.target !== undefined) {
      traces.push({
        type: "scatter",
        mode: "lines",
        name: "Target " + measure(data.target, unit),
        x: [firstPeriod, lastPeriod],
        y: [data.target, data.target],
        line: { color: COLOURS.target, dash: "dot", width: 2 },
        hovertemplate: "Target " + escapeHtml(measure(data.target, unit)) + "<extra></extra>",
      });
    }

    // Limit values written at the right end, as statistics packages label them.
    const annotations = [];
    const edge = [
      ["ucl", "UCL", COLOURS.limit],
      ["center", "CL", COLOURS.centre],
      ["lcl", "LCL", COLOURS.limit],
    ];
    for (const [key, label, colour] of edge) {
      const value = lastValue(points, key);
      if (value === null) continue;
      annotations.push({
        x: lastPeriod, y: value, xref: "x", yref: "y", xanchor: "left", xshift: 6,
        text: label + " " + number(value), showarrow: false, font: { size: 11, color: colour },
      });
    }

    // Annotations: a shaded range, or a dotted line on one date, numbered as in the list below.
    // Labels that would overlap the previous one drop to a second row; phones show numbers only.
    const shapes = [];
    const span = Date.parse(lastPeriod) - Date.parse(firstPeriod) || 1;
    let previous = null;
    let row = 0;
    let rows = 1;
    (data.annotations || []).forEach((note) => {
      if (note.ends_on) {
        shapes.push({
          type: "rect", xref: "x", yref: "paper", x0: note.starts_on, x1: note.ends_on, y0: 0, y1: 1,
          fillcolor: "rgba(31, 95, 139, 0.08)", line: { width: 0 }, layer: "below",
        });
      } else {
        shapes.push({
          type: "line", xref: "x", yref: "paper", x0: note.starts_on, x1: note.starts_on, y0: 0, y1: 1,
          line: { color: note.kind === "limits" ? COLOURS.limit : COLOURS.note, width: 1, dash: "dot" },
          layer: "below",
        });
      }
      const at = Date.parse(note.starts_on);
      const crowded = previous !== null && (at - previous) / span < (compact ? 0.06 : 0.22);
      row = crowded ? 1 - row : 0;
      rows = Math.max(rows, row + 1);
      previous = at;
      const short = note.label.length > 26 ? note.label.slice(0, 25) + "…" : note.label;
      annotations.push({
        x: note.starts_on, y: 1, xref: "x", yref: "paper", yanchor: "bottom", xanchor: "left",
        yshift: row * 14, text: "<b>" + note.number + "</b>" + (compact ? "" : " " + escapeHtml(short)),
        hovertext: escapeHtml(note.label), showarrow: false,
        font: { size: 10, color: COLOURS.note }, bgcolor: "rgba(255,255,255,0.85)",
      });
    });

    return { traces, annotations, shapes, rows, range: xRange(firstPeriod, lastPeriod, grain) };
  }

  function baseLayout(unit, compact) {
    return {
      margin: { l: 56, r: compact ? 64 : 80, t: 28, b: 8 },
      font: { family: getComputedStyle(document.body).fontFamily, size: 12, color: "#212529" },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#fff",
      hovermode: "closest",
      hoverlabel: { bgcolor: "#fff", bordercolor: "#adb5bd", font: { color: "#212529" }, align: "left" },
      xaxis: {
        type: "date", showgrid: false, linecolor: "#adb5bd", ticks: "outside", automargin: true,
        tickangle: 0, nticks: compact ? 4 : 12,
      },
      yaxis: {
        title: { text: unit, standoff: 8 }, gridcolor: COLOURS.grid, zeroline: false,
        automargin: true, linecolor: "#adb5bd",
      },
      showlegend: true,
      legend: { orientation: "h", x: 0, xanchor: "left", y: -0.12, yanchor: "top", font: { size: 11 } },
    };
  }

  // Half a period before the first point and after the last, in milliseconds.
  const HALF_PERIOD = { day: 0.5 * 864e5, week: 3.5 * 864e5, month: 15 * 864e5 };

  function xRange(first, last, grain) {
    const half = HALF_PERIOD[grain] || HALF_PERIOD.month;
    return [Date.parse(first) - half, Date.parse(last) + half].map((ms) => new Date(ms).toISOString().slice(0, 10));
  }

  // Monthly ticks read "Mar 2026"; for days and weeks Plotly picks the ticks and their format.
  function tickFormat(grain) {
    return grain === "month" ? "%b %Y" : undefined;
  }

  const CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines"],
  };

  function drawSecondary(node, data, range, compact) {
    const values = (data.secondary_points || []).filter((point) => point.value !== null);
    if (!node || !values.length || !data.secondary) return null;
    const x = values.map((point) => point.period);
    const label = data.secondary_label || "Moving range";
    const openFrom = data.complete_before || null;
    const isOpen = (period) => openFrom !== null && period >= openFrom;
    const traces = [
      {
        type: "scatter", mode: "lines+markers", name: label, x: x, y: values.map((point) => point.value),
        line: { color: COLOURS.line, width: 1.5 },
        marker: {
          color: values.map((point) => (isOpen(point.period) ? "#fff" : COLOURS.common)),
          line: { color: COLOURS.line, width: values.map((point) => (isOpen(point.period) ? 2 : 0)) },
          size: values.map((point) => (isOpen(point.period) ? 8 : 5)),
        },
        hovertemplate: label + " %{y:.4~g}<br>%{x|" + (tickFormat(data.grain) || "%-d %b %Y") + "}<extra></extra>",
      },
    ];
    // Each limit segment keeps its own moving-range limits, drawn over its own periods.
    const segments = (data.segments || []).length
      ? data.segments
      : [{ starts_on: x[0], secondary: data.secondary }];
    const annotations = [];
    segments.forEach((segment, index) => {
      const limits = segment.secondary;
      if (!limits) return;
      const until = index + 1 < segments.length ? segments[index + 1].starts_on : null;
      const span = x.filter((period) => period >= segment.starts_on && (until === null || period < until));
      if (!span.length) return;
      const last = index === segments.length - 1;
      for (const [key, name, colour, dash] of [
        ["center", "CL", COLOURS.centre, "solid"],
        ["ucl", "UCL", COLOURS.limit, "dash"],
        ["lcl", "LCL", COLOURS.limit, "dash"],
      ]) {
        const value = limits[key];
        if (value === null || value === undefined) continue;
        if (key === "lcl" && value === 0) continue;  // a moving range's LCL is the axis itself
        traces.push({
          type: "scatter", mode: "lines", showlegend: false, x: [span[0], span[span.length - 1]], y: [value, value],
          line: { color: colour, dash: dash, width: 1.3 }, hovertemplate: name + " %{y:.4~g}<extra></extra>",
          meta: "secondary-limit",
        });
        if (last) {
          annotations.push({
            x: span[span.length - 1], y: value, xref: "x", yref: "y", xanchor: "left", xshift: 6,
            text: name + " " + number(value), showarrow: false, font: { size: 11, color: colour },
          });
        }
      }
    });
    const layout = baseLayout("", compact);
    layout.showlegend = false;
    layout.margin.t = 24;
    layout.title = { text: label, x: 0, xanchor: "left", font: { size: 13 } };
    layout.xaxis.range = range;
    layout.xaxis.tickformat = tickFormat(data.grain);
    layout.yaxis.rangemode = "tozero";
    layout.annotations = annotations;
    return Plotly.newPlot(node, traces, layout, CONFIG);
  }

  function draw() {
    const source = document.getElementById("chart-data");
    const node = document.getElementById("control-chart");
    if (!source || !node || typeof Plotly === "undefined") return;
    const data = JSON.parse(source.textContent);
    if (!data.points || !data.points.length) return;
    const compact = node.clientWidth < 576;
    const figure = mainFigure(data, compact);
    const layout = baseLayout(data.unit, compact);
    layout.xaxis.tickformat = tickFormat(data.grain);
    layout.xaxis.range = figure.range;
    layout.margin.t = 14 + 14 * figure.rows;
    layout.annotations = figure.annotations;
    layout.shapes = figure.shapes;
    const secondary = document.getElementById("secondary-chart");
    Plotly.newPlot(node, figure.traces, layout, CONFIG).then(() => {
      const range = node.layout.xaxis.range.slice();
      return drawSecondary(secondary, data, range, compact);
    }).then(() => {
      if (!secondary || !secondary.layout) return;
      // Zooming one chart zooms the other: the periods stay aligned.
      node.on("plotly_relayout", (event) => {
        const update = event["xaxis.autorange"]
          ? { "xaxis.range": node.layout.xaxis.range.slice() }
          : event["xaxis.range[0]"] !== undefined
            ? { "xaxis.range": [event["xaxis.range[0]"], event["xaxis.range[1]"]] }
            : null;
        if (update) Plotly.relayout(secondary, update);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
