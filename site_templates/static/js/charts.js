// Charts with Apache ECharts (the site's one chart library), under the site's strict CSP.
// ECharts' own HTML tooltip writes style attributes, which the CSP refuses (VENDORED.md), so a
// chart shows the details of a point in its own element: on hover, on click, and on keyboard
// focus (the chart is focusable; arrow keys step through its points, Esc clears). Every chart has
// a table beside it with the same numbers, and a "Download PNG" button.
"use strict";

(function (HCP) {
  const charts = new Map();

  // Draw (or redraw) the chart in `box` (a <figure data-chart> holding .chart, .chart-details
  // and a [data-action=png] button). `points` lists what the keyboard steps through:
  // [{series, index, text}], `text` being what the details element says.
  HCP.chart = function (box, option, points) {
    const el = box.querySelector(".chart");
    const details = box.querySelector(".chart-details");
    let entry = charts.get(box);
    if (!entry) {
      const chart = echarts.init(el, null, { renderer: "canvas" });
      entry = { chart, points: [], at: -1 };
      charts.set(box, entry);
      const say = (text) => { details.textContent = text || details.dataset.prompt || ""; };
      details.dataset.prompt = details.textContent;
      // A Sankey's nodes and edges are numbered apart: a point names which (dataType) it is.
      const find = (p) => entry.points.find((q) => q.series === p.seriesIndex && q.index === p.dataIndex
        && (q.dataType || undefined) === (p.dataType || undefined));
      chart.on("mouseover", (p) => { const q = find(p); if (q) say(q.text); });
      chart.on("click", (p) => { const q = find(p); if (q) say(q.text); });
      chart.on("globalout", () => { if (entry.at < 0) say(""); });
      el.tabIndex = 0;
      el.setAttribute("role", "img");
      el.addEventListener("keydown", (e) => {
        const n = entry.points.length;
        if (!n) return;
        let at = entry.at;
        if (e.key === "ArrowRight" || e.key === "ArrowDown") at = (at + 1) % n;
        else if (e.key === "ArrowLeft" || e.key === "ArrowUp") at = (at - 1 + n) % n;
        else if (e.key === "Home") at = 0;
        else if (e.key === "End") at = n - 1;
        else if (e.key === "Escape") at = -1;
        else return;
        e.preventDefault();
        chart.dispatchAction({ type: "downplay" });
        entry.at = at;
        if (at < 0) return say("");
        const p = entry.points[at];
        chart.dispatchAction({ type: "highlight", seriesIndex: p.series, dataIndex: p.index, dataType: p.dataType });
        say(p.text);
      });
      el.addEventListener("focus", () => { if (entry.at < 0 && entry.points.length) say(details.dataset.keys || ""); });
      const png = box.querySelector('[data-action="png"]');
      if (png) png.addEventListener("click", () => {
        const a = HCP.el("a", { href: chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" }),
          download: (box.dataset.chart || "chart") + "-" + HCP.asOf + ".png" });
        document.body.append(a);
        a.click();
        a.remove();
      });
      window.addEventListener("resize", () => chart.resize());
    }
    entry.points = points || [];
    entry.at = -1;
    el.setAttribute("aria-label", box.dataset.label || "Chart");
    entry.chart.setOption(Object.assign({
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      tooltip: { show: false },
      textStyle: { fontFamily: "inherit" },
    }, option), true);
    return entry.chart;
  };

  HCP.chartPalette = ["#0b5cab", "#e8890c", "#2e7d32", "#b3261e", "#6a1b9a", "#00838f", "#5d4037", "#546e7a"];
})(window.HCP);
