// The journeys page: the three scenarios of seed 003 recomputed in the browser for the accounts
// the filters keep (render/journeys.py says why: filters combine, and every figure is a count or
// a ratio of sums over accounts). The same rules as transform/journeys.py; a browser test checks
// that, unfiltered, both give the same tables.
//
// This script runs before the page's DOMContentLoaded (it is deferred, after grid.js), so the
// first tables are in HCP.data when grid.js builds its grids; a filter change gives each grid a
// new table (setTable) and redraws the charts.
"use strict";

(function (HCP) {
  const root = document.querySelector("[data-journeys]");
  if (!root || !HCP.data.journey_accounts) return;
  const S = JSON.parse(root.dataset.settings);
  const SEP = " > ";
  const TOP = 15; // paths kept per group (transform: top_variants)
  const FILTERS = ["region", "owner", "tier", "segment", "period"];
  const acc = new HCP.Table(HCP.data.journey_accounts);
  const pat = new HCP.Table(HCP.data.journey_patterns);
  const enders = new Set(["silence", "churn"]);

  // -- which accounts count ------------------------------------------------------------------
  function chosen() {
    const params = HCP.state.read();
    const out = {};
    for (const f of FILTERS) out[f] = params.get("j." + f) || "";
    return out;
  }

  function keptRows(sel) {
    const tests = [];
    for (const f of FILTERS) {
      if (!sel[f]) continue;
      const col = acc.col(f);
      const code = col.kind === "dict" ? col.dict.indexOf(sel[f]) : -2;
      tests.push((i) => (col.kind === "dict" ? col.codes[i] === code : String(col.get(i)) === sel[f]));
    }
    const rows = [];
    for (let i = 0; i < acc.n; i++) if (tests.every((t) => t(i))) rows.push(i);
    return rows;
  }

  // -- the three scenarios (transform/journeys.py: dropoff, before_support, paths_that_pay) ---
  const stagesOfPath = new Map();
  function stagesOf(path) {
    if (!stagesOfPath.has(path)) stagesOfPath.set(path, new Set(String(path).split(SEP)));
    return stagesOfPath.get(path);
  }

  function dropoff(rows) {
    const path = acc.col("path"), last = acc.col("last_stage"), term = acc.col("terminal");
    const out = S.stages.map((stage, k) => ({ stage, order: k + 1, reached: 0, dropped: 0, went_silent: 0, churned: 0 }));
    const at = new Map(S.stages.map((s, k) => [s, k]));
    for (const i of rows) {
      for (const s of stagesOf(path.get(i))) if (at.has(s)) out[at.get(s)].reached++;
      const t = term.get(i);
      if (enders.has(t) && at.has(last.get(i))) {
        const r = out[at.get(last.get(i))];
        r.dropped++;
        if (t === "silence") r.went_silent++; else r.churned++;
      }
    }
    for (const r of out) {
      r.rate = r.reached ? r.dropped / r.reached : null;
      r.thin = r.reached < S.minAccounts;
    }
    const ranked = out.slice().sort((a, b) => b.dropped - a.dropped || (b.rate || 0) - (a.rate || 0) || a.order - b.order);
    ranked.forEach((r, k) => { r.rank = k + 1; });
    return out;
  }

  function beforeSupport(rows) {
    const keep = new Uint8Array(acc.n);
    for (const i of rows) keep[i] = 1;
    const a = pat.col("acct"), kind = pat.col("kind"), p = pat.col("pattern");
    const occ = pat.col("occurrences"), fol = pat.col("followed");
    const agg = new Map();
    let baseOcc = 0, baseFol = 0;
    for (let r = 0; r < pat.n; r++) {
      if (!keep[a.get(r)]) continue;
      const k = kind.get(r), key = k + "\u0000" + p.get(r);
      let g = agg.get(key);
      if (!g) agg.set(key, (g = { kind: k, pattern: p.get(r), occurrences: 0, followed: 0, accounts: 0, accounts_followed: 0 }));
      g.occurrences += occ.get(r);
      g.followed += fol.get(r);
      g.accounts++;
      if (fol.get(r) > 0) g.accounts_followed++;
      if (k === "stage") { baseOcc += occ.get(r); baseFol += fol.get(r); }
    }
    const base = baseOcc ? baseFol / baseOcc : null;
    const out = Array.from(agg.values());
    for (const g of out) {
      g.rate = g.followed / g.occurrences;
      g.base_rate = base;
      g.lift = base ? g.rate / base : null;
      g.thin = g.accounts < S.minAccounts;
    }
    return out;
  }

  function paths(rows) {
    const variant = acc.col("variant"), paying = acc.col("paying");
    const counts = new Map();
    let nPay = 0, nRest = 0;
    for (const i of rows) {
      const v = variant.get(i), pays = paying.get(i) === true || paying.get(i) === "true";
      let c = counts.get(v);
      if (!c) counts.set(v, (c = { path: v, paying_accounts: 0, rest_accounts: 0 }));
      if (pays) { c.paying_accounts++; nPay++; } else { c.rest_accounts++; nRest++; }
    }
    const all = Array.from(counts.values());
    const top = (k) => all.filter((c) => c[k] > 0).sort((x, y) => y[k] - x[k] || (x.path < y.path ? -1 : 1)).slice(0, TOP);
    const kept = new Set([...top("paying_accounts"), ...top("rest_accounts")]);
    const out = Array.from(kept);
    for (const c of out) {
      c.paying_share = nPay ? c.paying_accounts / nPay : 0;
      c.rest_share = nRest ? c.rest_accounts / nRest : 0;
      c.ratio = c.rest_share > 0 ? c.paying_share / c.rest_share : null;
      c.accounts = c.paying_accounts + c.rest_accounts;
      c.thin = c.accounts < S.minAccounts;
    }
    out.sort((x, y) => y.paying_accounts - x.paying_accounts || y.accounts - x.accounts || (x.path < y.path ? -1 : 1));
    return { rows: out, nPay, nRest };
  }

  // Rows of objects -> a columnar table for the grid ({n, columns: {name: {values}}}).
  function payload(objects, names) {
    const columns = {};
    for (const name of names) columns[name] = { values: objects.map((o) => (o[name] === undefined ? null : o[name])) };
    return { n: objects.length, columns };
  }

  const DROP = ["order", "stage", "reached", "dropped", "went_silent", "churned", "rate", "rank", "thin"];
  const SUPPORT = ["kind", "pattern", "lift", "rate", "occurrences", "followed", "accounts", "accounts_followed", "base_rate", "thin"];
  const PATHS = ["path", "paying_accounts", "paying_share", "rest_accounts", "rest_share", "ratio", "accounts", "thin"];
  HCP.journeys = { dropoff, beforeSupport, paths, keptRows, chosen };

  let view = compute();
  HCP.data.journey_dropoff_view = payload(view.drop, DROP);
  HCP.data.journey_support_view = payload(view.support, SUPPORT);
  HCP.data.journey_paths_view = payload(view.paths.rows, PATHS);

  function compute() {
    const rows = keptRows(chosen());
    return { rows, drop: dropoff(rows), support: beforeSupport(rows), paths: paths(rows) };
  }

  // -- charts ----------------------------------------------------------------------------------
  const pct = (v) => (v == null ? "n/a" : HCP.fmt.percent(v));
  const thinNote = (thin) => (thin ? " (thin)" : "");

  function drawDropoff(drop) {
    const top = drop.filter((r) => r.dropped > 0).sort((a, b) => a.rank - b.rank).slice(0, 3);
    root.querySelector("[data-dropoff-top]").textContent = top.length
      ? "Accounts most often drop off after: " + top.map((r) => r.stage + " (" + HCP.fmt.number(r.dropped)
        + " of " + HCP.fmt.number(r.reached) + ", " + pct(r.rate) + thinNote(r.thin) + ")").join(", ") + "."
      : "No account of these dropped off.";
    const box = root.querySelector('[data-chart="journey-dropoff"]');
    const points = [];
    drop.forEach((r, k) => {
      const text = r.stage + ": " + HCP.fmt.number(r.reached) + " accounts reached it, " + HCP.fmt.number(r.dropped)
        + " dropped off after it (" + pct(r.rate) + ": " + r.went_silent + " silent, " + r.churned + " churned)" + thinNote(r.thin);
      points.push({ series: 0, index: k, text }, { series: 1, index: k, text });
    });
    points.sort((x, y) => x.index - y.index || x.series - y.series);
    HCP.chart(box, {
      color: HCP.chartPalette,
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 36, bottom: 72, containLabel: false },
      xAxis: { type: "category", data: drop.map((r) => r.stage), axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", name: "Accounts" },
      series: [
        { type: "bar", name: "Reached", data: drop.map((r) => r.reached) },
        { type: "bar", name: "Dropped off after it", data: drop.map((r) => r.dropped) },
      ],
    }, points.filter((p) => p.series === 0));
  }

  function drawSupport(support) {
    const box = root.querySelector('[data-chart="journey-support"]');
    // Highest lift at the top: the category axis draws its first entry at the bottom.
    const best = support.filter((g) => !g.thin && g.lift != null).sort((x, y) => y.lift - x.lift).slice(0, 10);
    const top = best.slice().reverse();
    const points = best.map((g, k) => ({ series: 0, index: top.length - 1 - k, text: g.pattern + " (" + g.kind
      + "): a case followed " + HCP.fmt.number(g.followed) + " of " + HCP.fmt.number(g.occurrences) + " times ("
      + pct(g.rate) + ", base rate " + pct(g.base_rate) + "), lift " + HCP.fmt.number(g.lift) + ", on "
      + HCP.fmt.number(g.accounts) + " accounts" }));
    HCP.chart(box, {
      color: HCP.chartPalette,
      grid: { left: 8, right: 24, top: 16, bottom: 32, containLabel: true },
      xAxis: { type: "value", name: "Lift" },
      yAxis: { type: "category", data: top.map((g) => g.pattern), axisLabel: { width: 150, overflow: "truncate" } },
      series: [{ type: "bar", name: "Lift", data: top.map((g) => Number(g.lift.toFixed(2))),
        markLine: { silent: true, symbol: "none", data: [{ xAxis: 1, name: "chance" }], label: { formatter: "chance" } } }],
    }, points);
  }

  function drawPaths(p) {
    const box = root.querySelector('[data-chart="journey-paths"]');
    const top = p.rows.slice(0, 8).reverse();
    const points = [];
    top.forEach((c, k) => {
      const text = c.path + ": " + HCP.fmt.number(c.paying_accounts) + " paying accounts (" + pct(c.paying_share) + "), "
        + HCP.fmt.number(c.rest_accounts) + " others (" + pct(c.rest_share) + ")" + thinNote(c.thin);
      points.push({ series: 0, index: k, text });
    });
    HCP.chart(box, {
      color: HCP.chartPalette,
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 24, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: (v) => Math.round(v * 100) + "%" } },
      yAxis: { type: "category", data: top.map((c) => c.path), axisLabel: { width: 170, overflow: "truncate" } },
      series: [
        { type: "bar", name: "Paying accounts (" + p.nPay + ")", data: top.map((c) => c.paying_share) },
        { type: "bar", name: "Other accounts (" + p.nRest + ")", data: top.map((c) => c.rest_share) },
      ],
    }, points.reverse());
  }

  // The paying accounts' paths as flows between numbered steps ("1 onboarding" -> "2 renewal"):
  // numbering keeps the graph free of cycles, which a Sankey diagram needs.
  function drawFlow(rows) {
    const box = root.querySelector('[data-chart="journey-flow"]');
    const variant = acc.col("variant"), paying = acc.col("paying");
    const links = new Map(), nodes = new Set();
    for (const i of rows) {
      if (!(paying.get(i) === true || paying.get(i) === "true")) continue;
      const steps = String(variant.get(i)).split(SEP).slice(0, 6);
      for (let k = 0; k + 1 < steps.length; k++) {
        const from = (k + 1) + " " + steps[k], to = (k + 2) + " " + steps[k + 1];
        nodes.add(from); nodes.add(to);
        links.set(from + "\u0000" + to, (links.get(from + "\u0000" + to) || 0) + 1);
      }
    }
    const data = Array.from(links, ([key, value]) => { const [source, target] = key.split("\u0000"); return { source, target, value }; });
    const points = data.map((l, k) => ({ series: 0, index: k, text: l.source + " → " + l.target + ": " + HCP.fmt.number(l.value) + " paying accounts" }));
    HCP.chart(box, {
      color: HCP.chartPalette,
      series: [{ type: "sankey", data: Array.from(nodes, (name) => ({ name })), links: data, emphasis: { focus: "adjacency" },
        nodeAlign: "left", left: 8, right: 90, top: 8, bottom: 8, label: { fontSize: 11 }, lineStyle: { color: "gradient", opacity: 0.4 } }],
    }, points.map((p) => Object.assign(p, { dataType: "edge" })));
  }

  function summary(v) {
    const el = root.querySelector("[data-journey-summary]");
    el.textContent = HCP.fmt.number(v.rows.length) + " of " + HCP.fmt.number(acc.n) + " accounts; "
      + HCP.fmt.number(v.paths.nPay) + " of them in the paying group.";
  }

  function redraw() {
    drawDropoff(view.drop);
    drawSupport(view.support);
    drawPaths(view.paths);
    drawFlow(view.rows);
    summary(view);
  }

  function gridOf(dataset) {
    return HCP.grids.find((g) => g.section.dataset.dataset === dataset);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = root.querySelector("[data-journey-filters]");
    const sel = chosen();
    for (const s of form.querySelectorAll("select[data-journey-filter]")) {
      const col = acc.col(s.dataset.journeyFilter);
      const values = col.kind === "dict" ? col.dict.slice() : Array.from(new Set(col.values)).sort();
      if (s.dataset.journeyFilter === "period") values.reverse();
      for (const v of values) s.append(HCP.el("option", { value: v, text: v }));
      s.value = sel[s.dataset.journeyFilter] || "";
      s.addEventListener("change", () => update({ [s.dataset.journeyFilter]: s.value }));
    }
    form.querySelector('[data-action="clear-journeys"]').addEventListener("click", () => {
      for (const s of form.querySelectorAll("select")) s.value = "";
      update(Object.fromEntries(FILTERS.map((f) => [f, ""])));
    });
    redraw();
    HCP.ready();
  });

  function update(change) {
    const params = HCP.state.read();
    for (const [k, v] of Object.entries(change)) {
      if (v) params.set("j." + k, v); else params.delete("j." + k);
    }
    HCP.state.write(params);
    view = compute();
    gridOf("journey_dropoff_view")?.setTable(new HCP.Table(payload(view.drop, DROP)));
    gridOf("journey_support_view")?.setTable(new HCP.Table(payload(view.support, SUPPORT)));
    gridOf("journey_paths_view")?.setTable(new HCP.Table(payload(view.paths.rows, PATHS)));
    redraw();
  }
})(window.HCP);
