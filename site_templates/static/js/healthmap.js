// The Account Health Map page: settings and filters (in the URL, and as named sets saved in this
// browser), the scores recomputed by HCP.healthMap.compute on every change, the bubble chart
// (Apache ECharts) and the data table (the site's grid, whose exports hold exactly the accounts
// shown). Details of an account show in the page's own element (ECharts' HTML tooltip writes
// inline styles, which the site's CSP refuses): on hover, and on keyboard focus with the arrow
// keys; Esc closes them.
"use strict";

(function (HCP) {
  const HM = HCP.healthMap;
  const LARGE = 5000; // accounts on the map from which sizes give way to speed
  const SILENT_AT = -125; // where a silent measure is drawn: on the Silent strip, off the scale
  const COLORS = { green: "#2e7d32", yellow: "#c99700", red: "#c0392b", gray: "#7b858f" };
  const SHAPES = { green: "circle", yellow: "diamond", red: "triangle", gray: "rect" };
  const SENTIMENT_WORDS = {
    green: "Green: promoters lead", yellow: "Yellow: even", red: "Red: detractors lead",
    gray: "Gray: silent",
  };
  const ACCOUNT_FILTERS = ["tier", "region", "owner", "account_manager", "industry"];
  const SETS_KEY = "hcportal.healthmap.filtersets";
  const two = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const score = (v) => (v == null ? "Silent" : String(Math.round(v * 10) / 10));
  const measure = (v, band, n) => (v == null ? "Silent (0 responses)"
    : score(v) + " (" + band + ", " + n + (n === 1 ? " response)" : " responses)"));
  // Silent accounts would all sit on one spot of the strip: each gets its own place across it,
  // fixed by its key (FNV-1a), so a reload or a filter does not move it.
  function spread(key) {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    return ((h % 1000) / 1000 - 0.5) * 26;
  }
  const xOf = (r) => (r.experience_net == null ? SILENT_AT + spread("x" + r.account_key) : r.experience_net);
  const yOf = (r) => (r.success_net == null ? SILENT_AT + spread("y" + r.account_key) : r.success_net);

  class HealthMap {
    constructor(root) {
      this.root = root;
      this.rules = JSON.parse(document.getElementById("hm-rules").textContent);
      this.accounts = new HCP.Table(HCP.data.hm_accounts);
      this.responses = new HCP.Table(HCP.data.hm_responses);
      this.form = root.querySelector("form.hm-filters");
      this.chartEl = root.querySelector(".hm-chart");
      this.detail = root.querySelector(".hm-detail");
      this.summary = root.querySelector(".hm-summary");
      this.printLine = root.querySelector(".hm-print-line");
      this.rows = [];
      this.focus = -1; // the point the keyboard is on, in this.order
      this.fillControls();
      this.grid = new HCP.Grid(root.querySelector("section[data-grid]"), HCP.Table.of(0, {}));
      this.chart = window.echarts ? echarts.init(this.chartEl, null, { renderer: "canvas" }) : null;
      this.wire();
      this.apply();
      // On a phone the settings fold away unless a link set some: the map comes first.
      const panel = root.querySelector("details.hm-panel");
      if (window.matchMedia("(max-width: 720px)").matches && !this.filtered()) panel.open = false;
    }

    filtered() {
      const p = HCP.state.read();
      return ["sq", "eq", "acc", "roles", "qn", "wave", "from", "to", ...ACCOUNT_FILTERS].some((k) => p.has(k));
    }

    // -- controls --------------------------------------------------------------------------------
    fillControls() {
      const q = HM.asDict(this.responses.col("question")).dict;
      for (const name of ["sq", "eq"]) {
        const s = this.form.elements[name];
        for (const v of q) s.append(HCP.el("option", { value: v, text: v }));
      }
      const dictOf = (t, c) => (t.has(c) ? HM.asDict(t.col(c)).dict : []);
      for (const name of ACCOUNT_FILTERS) {
        const s = this.form.elements[name];
        if (s) for (const v of dictOf(this.accounts, name)) s.append(HCP.el("option", { value: v, text: v }));
      }
      for (const [name, col] of [["qn", "questionnaire"], ["wave", "wave"]]) {
        for (const v of dictOf(this.responses, col)) {
          this.form.elements[name].append(HCP.el("option", { value: v, text: v }));
        }
      }
      const boxes = this.root.querySelector(".hm-role-boxes");
      this.roles = dictOf(this.responses, "role");
      for (const v of this.roles) {
        boxes.append(HCP.el("label", { class: "toggle" },
          HCP.el("input", { type: "checkbox", name: "role", value: v, checked: true }), " " + v));
      }
      this.fillSets();
      const quad = this.rules.quadrants;
      const list = this.root.querySelector(".hm-quadrants");
      for (const [where, name] of [["Upper left", quad.upper_left], ["Upper right", quad.upper_right],
        ["Lower left", quad.lower_left], ["Lower right", quad.lower_right]]) {
        list.append(HCP.el("li", {}, HCP.el("span", { class: "hm-where", text: where + ": " }), name));
      }
    }

    // The question a rule names, as the surveys spell it (case and spaces ignored).
    question(wanted) {
      const q = HM.asDict(this.responses.col("question")).dict;
      return q.find((v) => HM.fold(v) === HM.fold(wanted)) || wanted;
    }

    // The view as the URL holds it (defaults: the configured questions, every role, no filter).
    read() {
      const p = HCP.state.read();
      const view = {
        sq: p.get("sq") || this.question(this.rules.success_question),
        eq: p.get("eq") || this.question(this.rules.experience_question),
        acc: p.get("acc") || "",
        accountFilters: {},
        roles: p.has("roles") ? p.get("roles").split("|").filter(Boolean) : null,
        qn: p.get("qn") || "",
        wave: p.get("wave") || "",
        fromText: p.get("from") || "",
        toText: p.get("to") || "",
      };
      for (const name of ACCOUNT_FILTERS) view.accountFilters[name] = p.get(name) || "";
      // A wave OR a date range (seed 002): a wave set wins, the dates are ignored.
      const day = (t) => (/^\d{4}-\d{2}-\d{2}$/.test(t) ? Date.parse(t + "T00:00:00Z") / 86400000 : null);
      view.from = view.wave ? null : day(view.fromText);
      view.to = view.wave ? null : day(view.toText);
      return view;
    }

    // The controls into the URL: only what differs from the defaults, other keys left alone.
    commit() {
      const p = HCP.state.read();
      const f = this.form.elements;
      const set = (k, v) => (v ? p.set(k, v) : p.delete(k));
      set("sq", HM.fold(f.sq.value) === HM.fold(this.rules.success_question) ? "" : f.sq.value);
      set("eq", HM.fold(f.eq.value) === HM.fold(this.rules.experience_question) ? "" : f.eq.value);
      set("acc", f.acc.value.trim());
      for (const name of ACCOUNT_FILTERS) if (f[name]) set(name, f[name].value);
      const checked = Array.from(this.form.querySelectorAll("input[name=role]"))
        .filter((b) => b.checked).map((b) => b.value);
      set("roles", checked.length === this.roles.length ? "" : checked.join("|") || "|");
      set("qn", f.qn.value);
      set("wave", f.wave.value);
      set("from", f.wave.value ? "" : f.from.value);
      set("to", f.wave.value ? "" : f.to.value);
      HCP.state.write(p);
      this.apply();
    }

    show(view) {
      const f = this.form.elements;
      const pick = (s, v) => {
        if (v && !Array.from(s.options).some((o) => o.value === v)) {
          s.append(HCP.el("option", { value: v, text: v + " (none here)" }));
        }
        s.value = v;
      };
      pick(f.sq, view.sq);
      pick(f.eq, view.eq);
      f.acc.value = view.acc;
      for (const name of ACCOUNT_FILTERS) if (f[name]) pick(f[name], view.accountFilters[name]);
      for (const b of this.form.querySelectorAll("input[name=role]")) {
        b.checked = !view.roles || view.roles.includes(b.value);
      }
      pick(f.qn, view.qn);
      pick(f.wave, view.wave);
      f.from.value = view.wave ? "" : view.fromText;
      f.to.value = view.wave ? "" : view.toText;
      f.from.disabled = f.to.disabled = Boolean(view.wave);
    }

    wire() {
      this.form.addEventListener("submit", (e) => e.preventDefault());
      this.form.addEventListener("change", (e) => {
        if (["set_name", "saved"].includes(e.target.name)) return;
        this.commit();
      });
      this.form.elements.acc.addEventListener("input", () => this.commit());
      this.root.addEventListener("click", (e) => {
        const b = e.target.closest("[data-hm]");
        if (!b) return;
        const act = b.dataset.hm;
        if (act === "clear") this.clear();
        else if (act === "save") this.saveSet();
        else if (act === "apply") this.applySet();
        else if (act === "erase") this.eraseSet();
        else if (act === "png") this.exportPNG();
        else if (act === "svg") this.exportSVG();
        else if (act === "pdf") window.print();
      });
      window.addEventListener("hashchange", () => this.apply());
      // The seed opens an account's X-Ray in a new tab, so the map and its filters stay.
      this.root.querySelector("section[data-grid]").addEventListener("click", (e) => {
        const a = e.target.closest("td a[href*='xray.html']");
        if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        window.open(a.href, "_blank", "noopener");
      });
      this.chartEl.addEventListener("keydown", (e) => this.onKey(e));
      this.chartEl.addEventListener("focus", () => { if (this.focus < 0 && this.order.length) this.moveTo(0); });
      this.chartEl.addEventListener("blur", () => this.hide());
      document.addEventListener("keydown", (e) => { if (e.key === "Escape") this.hide(); });
      if (this.chart) {
        this.chart.on("mouseover", (p) => {
          if (p.seriesType === "scatter" && Array.isArray(p.value)) {
            this.showRow(this.rows[p.value[3]], p.event && p.event.offsetX, p.event && p.event.offsetY);
          }
        });
        this.chart.on("mouseout", () => { if (document.activeElement !== this.chartEl) this.hide(); });
        window.addEventListener("resize", () => { this.chart.resize(); this.chart.setOption(this.option(false), true); });
        window.addEventListener("beforeprint", () => this.chart.resize());
      }
    }

    clear() {
      const p = HCP.state.read();
      for (const k of ["sq", "eq", "acc", "roles", "qn", "wave", "from", "to", ...ACCOUNT_FILTERS]) p.delete(k);
      HCP.state.write(p);
      this.apply();
    }

    // -- recompute and draw ----------------------------------------------------------------------
    apply() {
      const view = this.read();
      this.show(view);
      this.view = view;
      this.rows = HM.compute(this.accounts, this.responses, this.rules, view);
      this.grid.setTable(this.table(view));
      this.drawChart();
      this.describe(view);
      HCP.hmRows = this.rows; // what the page shows, for tests and the curious
      document.documentElement.dataset.hmReady = String((Number(document.documentElement.dataset.hmReady) || 0) + 1);
    }

    table(view) {
      const cols = ["account", "account_key", "account_value", "success_net", "success_band",
        "success_responses", "experience_net", "experience_band", "experience_responses",
        "sentiment", "action", "thin", "owner", "region"];
      const columns = {};
      const round = (v) => (v == null ? null : Math.round(v * 100) / 100); // as health_map.csv
      for (const c of cols) {
        const f = c.endsWith("_net") ? round : (v) => v;
        columns[c] = { values: this.rows.map((r) => (r[c] === undefined ? null : f(r[c]))) };
      }
      columns.success = { values: this.rows.map(() => view.sq) };
      columns.experience = { values: this.rows.map(() => view.eq) };
      return HCP.Table.of(this.rows.length, columns);
    }

    describe(view) {
      const bands = {};
      for (const r of this.rows) bands[r.action] = (bands[r.action] || 0) + 1;
      const silent = this.rows.filter((r) => r.success_band === HM.SILENT || r.experience_band === HM.SILENT).length;
      this.summary.textContent = this.rows.length + " of " + this.accounts.n + " accounts; " +
        silent + " silent on at least one measure. Success: \u201c" + view.sq + "\u201d; Experience: \u201c" + view.eq + "\u201d." +
        (this.rows.length > LARGE ? " Over " + LARGE.toLocaleString() + " accounts the circles are drawn at one size: filter to compare values." : "");
      const active = [];
      if (view.acc) active.push("Account: " + view.acc);
      for (const [k, v] of Object.entries(view.accountFilters)) if (v) active.push(k.replace("_", " ") + ": " + v);
      if (view.roles) active.push("Roles: " + (view.roles.join(", ") || "none"));
      if (view.qn) active.push("Questionnaire: " + view.qn);
      if (view.wave) active.push("Wave: " + view.wave);
      if (view.from != null) active.push("From: " + view.fromText);
      if (view.to != null) active.push("To: " + view.toText);
      this.printLine.textContent = "Success: " + view.sq + ". Experience: " + view.eq + ". Filters: " +
        (active.length ? active.join("; ") : "none") + ".";
    }

    // -- the chart -------------------------------------------------------------------------------
    option(animate) {
      const rules = this.rules;
      const max = Math.max(1, ...this.rows.map((r) => r.account_value || 0));
      const narrow = (this.chartEl.clientWidth || 800) < 600;
      const size = (v) => (narrow ? 5 : 8) + (narrow ? 18 : 34) * Math.sqrt(Math.max(0, v || 0) / max);
      const series = Object.keys(COLORS).map((s) => ({
        name: SENTIMENT_WORDS[s],
        type: "scatter",
        symbol: SHAPES[s],
        itemStyle: { color: COLORS[s], opacity: 0.78, borderColor: "#1b1f24", borderWidth: 0.6 },
        emphasis: { scale: 1.35, itemStyle: { borderWidth: 2.5, borderColor: "#e8890c", opacity: 1 } },
        symbolSize: (d) => size(d[2]),
        // Above LARGE points ECharts draws each series as one path (about half the time at
        // 20,000 accounts, measured); every symbol then has one size (the summary says so).
        large: this.rows.length > LARGE,
        largeThreshold: 1,
        // A thin account (too few answers to act on alone) is drawn faded.
        data: this.rows.map((r, i) => [xOf(r), yOf(r), r.account_value, i, r.sentiment])
          .filter((d) => d[4] === s)
          .map((d) => (this.rows[d[3]].thin ? { value: d, itemStyle: { opacity: 0.3 } } : d)),
      }));
      // The quadrants and the Silent strips, on a series of their own (drawn with no points).
      series.push({
        type: "scatter", data: [], silent: true,
        markArea: { silent: true, label: { show: !narrow, color: "#59636e", fontSize: 12 }, data: this.areas(rules) },
      });
      const axis = (name) => ({
        type: "value", min: -150, max: 110, interval: narrow ? 50 : 25, name,
        nameLocation: "middle", nameGap: 34,
        splitLine: { lineStyle: { color: "#e4e8ec" } },
        axisLabel: {
          fontSize: narrow ? 9 : 12,
          formatter: (v) => (v === SILENT_AT || (narrow && v === -150) ? "Silent" : v >= -100 && v <= 100 ? String(v) : ""),
        },
      });
      return {
        animation: animate,
        aria: { enabled: true, decal: { show: false } },
        grid: { left: narrow ? 46 : 60, right: narrow ? 8 : 18, top: narrow ? 58 : 40, bottom: 56 },
        legend: { top: 4, itemWidth: 12, data: Object.values(SENTIMENT_WORDS), textStyle: { fontSize: narrow ? 10 : 12 } },
        tooltip: { show: false },
        xAxis: axis("Experiential Net Score"),
        yAxis: axis("Success (Relationship) Net Score"),
        series,
      };
    }

    // The seed's quadrants (split at the Mid band's start), and the two Silent strips.
    areas(rules) {
      const m = rules.mid_from, q = rules.quadrants;
      const area = (x0, y0, x1, y1, name, pos) => [
        { xAxis: x0, yAxis: y0, name, label: { position: pos }, itemStyle: { color: "rgba(0,0,0,0)" } },
        { xAxis: x1, yAxis: y1 },
      ];
      return [
        area(-100, m, m, 100, q.upper_left, "insideTopLeft"),
        area(m, m, 100, 100, q.upper_right, "insideTopRight"),
        area(-100, -100, m, m, q.lower_left, "insideBottomLeft"),
        area(m, -100, 100, m, q.lower_right, "insideBottomRight"),
        [{ xAxis: -150, yAxis: -150, name: "Silent", label: { position: "insideTopLeft" }, itemStyle: { color: "rgba(123,133,143,0.14)" } }, { xAxis: -110, yAxis: 110 }],
        [{ xAxis: -110, yAxis: -150, itemStyle: { color: "rgba(123,133,143,0.14)" } }, { xAxis: 110, yAxis: -110 }],
      ];
    }

    drawChart() {
      // Keyboard order: left to right, then bottom to top (what the eye reads across the map).
      const xs = this.rows.map(xOf), ys = this.rows.map(yOf); // once each, not per comparison
      this.order = this.rows.map((r, i) => i).sort((a, b) => xs[a] - xs[b] || ys[a] - ys[b] || a - b);
      this.focus = -1;
      this.hide();
      // Animating thousands of symbols costs seconds; a big map is drawn at once, in chunks.
      if (this.chart) this.chart.setOption(this.option(this.rows.length <= 1500), true);
    }

    onKey(e) {
      const n = this.order.length;
      if (!n) return;
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
      if (step) this.moveTo((this.focus < 0 ? 0 : (this.focus + step + n) % n));
      else if (e.key === "Home") this.moveTo(0);
      else if (e.key === "End") this.moveTo(n - 1);
      else if (e.key === "Enter" && this.focus >= 0) {
        window.open(HCP.xrayOf(this.rows[this.order[this.focus]].account_key), "_blank", "noopener");
      } else return;
      e.preventDefault();
    }

    moveTo(k) {
      this.focus = k;
      const i = this.order[k], r = this.rows[i];
      let x = null, y = null;
      if (this.chart) {
        this.chart.dispatchAction({ type: "downplay" });
        const s = Object.keys(COLORS).indexOf(r.sentiment);
        const dataIndex = this.rows.slice(0, i).filter((o) => o.sentiment === r.sentiment).length;
        this.chart.dispatchAction({ type: "highlight", seriesIndex: s, dataIndex });
        const at = this.chart.convertToPixel({ seriesIndex: s }, [xOf(r), yOf(r)]);
        if (at) [x, y] = at;
      }
      this.showRow(r, x, y, k);
    }

    showRow(r, x, y, k) {
      if (!r) return;
      const d = this.detail;
      d.replaceChildren(
        HCP.el("strong", { class: "hm-detail-name", text: r.account }),
        HCP.el("dl", {},
          ...[["Value", two.format(r.account_value || 0)],
            ["Relationship Net Score", measure(r.success_net, r.success_band, r.success_responses)],
            ["Experiential Score", measure(r.experience_net, r.experience_band, r.experience_responses)],
            ["Suggested Action", r.action],
            ["Sentiment", SENTIMENT_WORDS[r.sentiment] + (r.thin ? "; thin evidence" : "")]]
            .map(([t, v]) => HCP.el("div", {}, HCP.el("dt", { text: t + " =" }), HCP.el("dd", { text: v })))),
        ...(k == null ? [] : [HCP.el("p", { class: "note", text: (k + 1) + " of " + this.order.length + " · Enter opens the X-Ray" })]));
      d.hidden = false;
      // Beside the point, inside the chart's box (CSSOM styles: the CSP refuses style attributes).
      const box = this.chartEl.getBoundingClientRect();
      const w = d.offsetWidth, h = d.offsetHeight;
      const left = x == null ? 8 : Math.min(Math.max(4, x + 14), box.width - w - 4);
      const top = y == null ? 8 : Math.min(Math.max(4, y + 14), Math.max(4, box.height - h - 4));
      d.style.left = Math.max(0, left) + "px";
      d.style.top = top + "px";
    }

    hide() {
      this.detail.hidden = true;
      if (this.chart) this.chart.dispatchAction({ type: "downplay" });
    }

    // -- exports ---------------------------------------------------------------------------------
    fileName(ext) {
      return HCP.exporting.fileName("health-map", "", ext);
    }

    exportPNG() {
      if (!this.chart) return;
      const url = this.chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
      const bytes = atob(url.slice(url.indexOf(",") + 1));
      const buf = new Uint8Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) buf[i] = bytes.charCodeAt(i);
      HCP.download(new Blob([buf], { type: "image/png" }), this.fileName("png"));
    }

    // An off-screen server-side-rendering instance draws SVG text without touching the page.
    svg() {
      const w = Math.max(600, this.chartEl.clientWidth), h = Math.max(400, this.chartEl.clientHeight);
      const c = echarts.init(null, null, { renderer: "svg", ssr: true, width: w, height: h });
      c.setOption(this.option(false));
      const text = c.renderToSVGString();
      c.dispose();
      return text;
    }

    exportSVG() {
      if (!window.echarts) return;
      HCP.download(new Blob([this.svg()], { type: "image/svg+xml" }), this.fileName("svg"));
    }

    // -- saved filter sets (this browser only) ---------------------------------------------------
    sets() {
      try {
        return JSON.parse(localStorage.getItem(SETS_KEY) || "{}") || {};
      } catch (_) {
        return {};
      }
    }

    storeSets(sets) {
      try {
        localStorage.setItem(SETS_KEY, JSON.stringify(sets));
      } catch (_) { /* storage refused (private mode): the URL still holds the view */ }
      this.fillSets();
    }

    fillSets() {
      const s = this.form.elements.saved;
      while (s.options.length > 1) s.remove(1);
      for (const name of Object.keys(this.sets()).sort()) s.append(HCP.el("option", { value: name, text: name }));
    }

    saveSet() {
      const name = this.form.elements.set_name.value.trim();
      if (!name) {
        this.form.elements.set_name.focus();
        return;
      }
      const sets = this.sets();
      const p = HCP.state.read();
      for (const k of [...p.keys()]) if (k.startsWith("t.")) p.delete(k); // the table's sort is not a filter
      sets[name] = p.toString();
      this.storeSets(sets);
      this.form.elements.saved.value = name;
    }

    applySet() {
      const name = this.form.elements.saved.value;
      const sets = this.sets();
      if (!name || !(name in sets)) return;
      const p = new URLSearchParams(sets[name]);
      for (const [k, v] of HCP.state.read()) if (k.startsWith("t.")) p.set(k, v);
      HCP.state.write(p);
      this.apply();
      this.grid.apply();
    }

    eraseSet() {
      const name = this.form.elements.saved.value;
      const sets = this.sets();
      if (!name || !(name in sets)) return;
      delete sets[name];
      this.storeSets(sets);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.querySelector("[data-healthmap]");
    if (root && HCP.data.hm_accounts && HCP.data.hm_responses) HCP.healthMapPage = new HealthMap(root);
  });
})(window.HCP);
