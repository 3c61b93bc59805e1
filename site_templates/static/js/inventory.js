// The systems-inventory page: Impact against Complexity (a scatter with the four quadrants of
// the disposition), beside the ordered plan (the site's grid, with its CSV and Excel exports).
"use strict";

(function (HCP) {
  document.addEventListener("DOMContentLoaded", () => {
    const payload = HCP.data.inventory;
    const box = document.querySelector('[data-chart="inventory"]');
    if (!payload || !box) return;
    const t = new HCP.Table(payload);
    const high = Number(box.dataset.high);
    const kinds = ["quick win", "major project", "fill-in", "reconsider", "retire"];
    const points = [];
    const series = kinds.map((kind, s) => {
      const rows = t.where("disposition", kind);
      const data = rows.map((i, k) => {
        const name = String(t.col("system").get(i));
        const order = t.col("order").get(i);
        points.push({ series: s, index: k, text: name + " (" + kind + (order == null ? "" : ", integration #" + order)
          + "): impact " + t.col("impact").get(i) + ", complexity " + t.col("complexity").get(i) });
        // Names of points near the right edge go to their left, inside the chart.
        const x = t.col("complexity").get(i);
        return { value: [x, t.col("impact").get(i)], name, label: { position: x > 70 ? "left" : "right" } };
      });
      return {
        type: "scatter", name: kind, data, symbolSize: 14,
        label: { show: true, position: "right", formatter: (p) => p.name, fontSize: 11 },
        markArea: s ? undefined : { silent: true, itemStyle: { color: "rgba(11,92,171,0.06)" },
          data: [[{ xAxis: 0, yAxis: high }, { xAxis: high, yAxis: 100 }]] },
      };
    });
    HCP.chart(box, {
      color: HCP.chartPalette,
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 40, bottom: 44 },
      xAxis: { name: "Complexity", nameLocation: "middle", nameGap: 28, min: 0, max: 100 },
      yAxis: { name: "Impact", nameLocation: "middle", nameGap: 32, min: 0, max: 100 },
      series,
    }, points);
    HCP.ready();
  });
})(window.HCP);
