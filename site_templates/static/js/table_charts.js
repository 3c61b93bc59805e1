// Charts (Apache ECharts, vendored; loaded only by the pages that draw one). A chart is drawn
// from its own table alternative, rendered by the build beside it, so the two can never
// disagree: <figure class="tchart" data-chart="stack|lines"> holds the canvas, a line for the
// details of the bar or point in focus (ECharts' HTML tooltip breaks the CSP: VENDORED.md), a
// PNG download, and <details> with the <table> (cells carry data-value when numeric).
// Keyboard: the chart takes focus; the arrow keys move along the quarters and between series.
"use strict";

(function (HCP) {
  const COLOURS = { overdue: "#c0392b", pending: "#d68910", upcoming: "#2e86de" };

  function readTable(table) {
    const keys = Array.from(table.tHead.rows[0].cells, (th) => th.dataset.key);
    return Array.from(table.tBodies[0].rows, (tr) => {
      const row = {};
      Array.from(tr.cells).forEach((cell, j) => {
        const v = cell.dataset.value;
        row[keys[j]] = v == null ? cell.textContent.trim() : v === "" ? null : Number(v);
      });
      return row;
    });
  }

  const distinct = (values) => Array.from(new Set(values));

  // What the chart shows for the filter's value: {xs, series: [{name, data}], format}.
  function model(fig, rows) {
    const filter = fig.querySelector("select[data-chart-filter]");
    const want = filter ? filter.value : "";
    const kept = want ? rows.filter((r) => String(r[filter.dataset.chartFilter]) === want) : rows;
    const x = fig.dataset.x;
    const xs = distinct(kept.map((r) => r[x])).sort();
    if (fig.dataset.chart === "stack") {
      const unit = fig.dataset.unit || "";
      const series = fig.dataset.series.split(",").map((s) => ({
        name: s,
        data: xs.map((v) => kept.filter((r) => r[x] === v).reduce((sum, r) => sum + (r[s] || 0), 0)),
      }));
      return { xs, series, format: (v) => HCP.fmt.number(v) + " " + unit };
    }
    const name = fig.dataset.name, value = fig.dataset.value;
    const series = distinct(kept.map((r) => r[name])).map((n) => ({
      name: n,
      data: xs.map((v) => {
        const r = kept.find((k) => k[name] === n && k[x] === v);
        return r ? r[value] : null;
      }),
    }));
    return { xs, series, format: (v) => (v == null ? "no window closed" : HCP.fmt.percent(v)) };
  }

  function draw(fig) {
    const rows = readTable(fig.querySelector("table"));
    const canvas = fig.querySelector(".tchart-canvas");
    const detail = fig.querySelector(".tchart-detail");
    const chart = window.echarts.init(canvas, null, { renderer: "canvas" });
    const stacked = fig.dataset.chart === "stack";
    let m, at = { s: 0, i: -1 };

    function render() {
      m = model(fig, rows);
      chart.setOption({
        aria: { enabled: true, decal: { show: true } },
        animation: false,
        grid: { left: 48, right: 12, top: 36, bottom: 28 },
        legend: { top: 0, type: "scroll" },
        xAxis: { type: "category", data: m.xs },
        yAxis: stacked ? { type: "value", minInterval: 1 }
          : { type: "value", min: 0, max: 1, axisLabel: { formatter: (v) => HCP.fmt.percent(v) } },
        series: m.series.map((s) => ({
          name: s.name, data: s.data, type: stacked ? "bar" : "line", stack: stacked ? "all" : undefined,
          connectNulls: false, itemStyle: COLOURS[s.name] ? { color: COLOURS[s.name] } : undefined,
        })),
      }, true);
      at = { s: 0, i: -1 };
      detail.textContent = m.xs.length ? "" : "Nothing to draw for this choice.";
    }

    function show(s, i) {
      if (!m.series.length || !m.xs.length) return;
      at = { s: (s + m.series.length) % m.series.length, i: Math.max(0, Math.min(m.xs.length - 1, i)) };
      const series = m.series[at.s];
      detail.textContent = series.name + " · " + m.xs[at.i] + ": " + m.format(series.data[at.i]);
      chart.dispatchAction({ type: "downplay" });
      chart.dispatchAction({ type: "highlight", seriesIndex: at.s, dataIndex: at.i });
    }

    chart.on("mouseover", (p) => show(p.seriesIndex, p.dataIndex));
    canvas.addEventListener("focus", () => { if (at.i < 0) show(0, 0); });
    canvas.addEventListener("keydown", (e) => {
      const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowUp: [1, 0], ArrowDown: [-1, 0] };
      if (e.key === "Escape") { detail.textContent = ""; chart.dispatchAction({ type: "downplay" }); return; }
      if (!moves[e.key]) return;
      e.preventDefault();
      show(at.s + moves[e.key][0], Math.max(at.i, 0) + moves[e.key][1]);
    });
    const filter = fig.querySelector("select[data-chart-filter]");
    if (filter) filter.addEventListener("change", render);
    fig.querySelector("[data-chart-action='png']").addEventListener("click", () => {
      const url = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
      const bytes = Uint8Array.from(atob(url.split(",")[1]), (c) => c.charCodeAt(0));
      const tag = filter && filter.value ? "-" + HCP.exporting.namePart(filter.value) : "";
      HCP.download(new Blob([bytes], { type: "image/png" }),
        HCP.exporting.fileName(fig.dataset.png + tag, "", "png"));
    });
    window.addEventListener("resize", () => chart.resize());
    render();
    HCP.charts.push(chart);
  }

  HCP.charts = [];
  document.addEventListener("DOMContentLoaded", () => {
    if (!window.echarts) return;
    for (const fig of document.querySelectorAll("figure.tchart")) draw(fig);
  });
})(window.HCP);
