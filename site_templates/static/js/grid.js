// hcportal's table: a semantic <table> that filters, sorts, groups and exports the columnar
// data, with every filter and sort in the URL, and virtual rows: only the rows in view (plus a
// margin) are in the DOM, so 100,000 rows cost what 60 do.
//
// A page declares a table in its template (see site_templates/_grid.html): <section data-grid>
// with data-dataset, data-sort ("amount:desc,due:asc"), data-group, data-search, data-sum,
// data-tally, a filter form whose <select data-filter="column"> and <input data-filter="*">
// drive it, and a <thead> whose <th data-col data-type> say what each column shows.
//
// Why not Tabulator (docs/site.md): its data pipeline re-sorts every row after each filter
// change; at 185,000 rows that took 0.7-1.3 s per change in Chromium here, against a 100 ms goal.
// Sorting once into a permutation and filtering by dictionary codes takes milliseconds.
"use strict";

(function (HCP) {
  const OVERSCAN = 12; // rows drawn beyond the visible ones, above and below
  const PRINT_MAX = 3000; // rows a printout holds; filter to print the rest
  const SMALL = 300; // a table this small is drawn whole (its rows may then wrap)
  const NUMERIC = new Set(["money", "number", "id", "percent", "date", "flag"]);

  const parseSort = (text) =>
    text.split(",").filter(Boolean).map((part) => {
      const [col, dir] = part.split(":");
      return [col, dir === "desc" ? "desc" : "asc"];
    });
  const sortText = (sort) => sort.map(([c, d]) => c + ":" + d).join(",");
  const classSafe = (v) => (/^[a-z][a-z-]*$/.test(v) ? v : "other");

  class Grid {
    constructor(section, table) {
      this.section = section;
      this.prefix = section.dataset.statePrefix || "";
      this.tableEl = section.querySelector("table.grid");
      this.scroller = section.querySelector(".grid-scroll");
      this.tbody = this.tableEl.tBodies[0];
      this.form = section.querySelector("form.filters");
      this.summaryEl = section.querySelector(".summary");
      this.emptyEl = section.querySelector(".empty");
      this.printEl = section.querySelector(".print-summary");
      this.noun = section.dataset.noun || "rows";
      this.groupCol = section.dataset.group || "";
      this.sumCol = section.dataset.sum || "";
      this.tallyCol = section.dataset.tally || "";
      this.searchCols = (section.dataset.search || "").split(",").filter(Boolean);
      this.defaultSort = parseSort(section.dataset.sort || "");
      this.exportName = section.dataset.export || "table";
      this.exportTag = ""; // what the rows are about (the X-Ray's account), in the file's name
      this.columns = Array.from(this.tableEl.tHead.rows[0].cells, (th) => {
        const type = th.dataset.type || "text";
        return {
          th, type, name: th.dataset.col,
          label: th.textContent.trim(),
          // The first click's direction: largest numbers first, text A to Z, dates earliest first.
          first: th.dataset.first || (NUMERIC.has(type) && type !== "date" ? "desc" : "asc"),
          keyCol: th.dataset.key || "account_key",
          folder: th.dataset.folder || "",
          folderCol: th.dataset.folderCol || "",
          yes: th.dataset.yes || "yes",
          tone: th.dataset.tone || "",
          minor: th.classList.contains("minor"),
          exportOnly: th.hidden, // <th hidden>: not drawn, still exported
          shown: !th.hidden,
          col: null,
        };
      });
      this.selects = this.form ? Array.from(this.form.querySelectorAll("select[data-filter]")) : [];
      this.search = this.form ? this.form.querySelector("input[data-filter='*']") : null;
      this.groupBox = this.form ? this.form.querySelector("input[data-option='group']") : null;
      this.rowH = 0;
      this.printing = false;
      this.range = [0, 0];
      this.wire();
      this.setTable(table);
      this.foldFilters();
    }

    // On a phone the filters fold away unless a link set some: the rows come first.
    foldFilters() {
      const panel = this.section.querySelector("details.filter-panel");
      if (!panel) return;
      const narrow = window.matchMedia("(max-width: 720px)");
      if (narrow.matches && !this.activeFilters().length) panel.open = false;
      narrow.addEventListener("change", (e) => { if (!e.matches) panel.open = true; });
    }

    activeFilters() {
      const active = this.selects.filter((s) => s.value)
        .map((s) => s.closest("label").querySelector("span").textContent + ": " + s.value);
      if (this.search && this.search.value.trim()) active.push("Search: " + this.search.value.trim());
      return active;
    }

    key(name) { return this.prefix + name; }
    column(name) { return this.columns.find((c) => c.name === name); }

    // A new table for the same view (the X-Ray shows another account): caches and options reset.
    setTable(table) {
      this.table = table;
      this.sortKeys = new Map();
      this.lowered = new Map();
      this.sortSig = null;
      this.filterSig = null;
      for (const c of this.columns) c.col = table.has(c.name) ? table.col(c.name) : null;
      this.whole = table.n <= SMALL;
      this.tableEl.classList.toggle("all", this.whole);
      for (const s of this.selects) this.fillOptions(s);
      this.apply();
    }

    fillOptions(select) {
      const name = select.dataset.filter;
      while (select.options.length > 1) select.remove(1);
      if (!this.table.has(name)) return;
      const col = this.table.col(name);
      let values;
      if (col.kind === "dict") {
        const seen = new Uint8Array(col.dict.length);
        for (let i = 0; i < this.table.n; i++) seen[col.codes[i]] = 1;
        values = col.dict.filter((v, j) => seen[j] && v !== "");
      } else {
        values = Array.from(new Set(col.values.filter((v) => v != null && v !== "").map(String)));
        values.sort((a, b) => a.localeCompare(b));
      }
      if (select.dataset.order === "desc") values.reverse();
      for (const v of values) select.append(HCP.el("option", { value: v, text: v }));
    }

    // -- state: the URL is the truth; controls write it, then the view is drawn from it --------
    wire() {
      if (this.form) {
        this.form.addEventListener("submit", (e) => e.preventDefault());
        this.form.addEventListener("change", (e) => {
          if (e.target === this.search) return;
          this.commit((p) => this.writeControls(p));
        });
        if (this.search) {
          this.search.addEventListener("input", () => this.commit((p) => this.writeControls(p)));
        }
        this.form.addEventListener("click", (e) => {
          const action = e.target.closest("[data-action]");
          if (action && action.dataset.action === "clear") {
            this.commit((p) => {
              for (const s of this.selects) p.delete(this.key(s.name));
              p.delete(this.key("q"));
            });
          }
        });
      }
      this.section.addEventListener("click", (e) => {
        const action = e.target.closest("[data-action]");
        if (!action || !this.section.contains(action)) return;
        if (action.dataset.action === "csv") this.downloadCSV();
        else if (action.dataset.action === "xlsx") this.downloadXLSX(action);
        else if (action.dataset.action === "print") window.print();
      });
      this.tableEl.tHead.addEventListener("click", (e) => {
        const button = e.target.closest("button.sort");
        if (button) this.onSort(button.closest("th").dataset.col, e.shiftKey);
      });
      // Shift+Enter adds a column to the sort from the keyboard, like shift-click.
      this.tableEl.tHead.addEventListener("keydown", (e) => {
        const button = e.target.closest("button.sort");
        if (button && e.key === "Enter" && e.shiftKey) {
          e.preventDefault();
          this.onSort(button.closest("th").dataset.col, true);
        }
      });
      window.addEventListener("hashchange", () => this.apply());
      this.scroller.addEventListener("scroll", () => this.onScroll(), { passive: true });
      window.addEventListener("resize", () => this.draw());
      window.addEventListener("beforeprint", () => this.setPrinting(true));
      window.addEventListener("afterprint", () => this.setPrinting(false));
      window.matchMedia("print").addEventListener("change", (e) => this.setPrinting(e.matches));
    }

    writeControls(p) {
      for (const s of this.selects) {
        if (s.value) p.set(this.key(s.name), s.value); else p.delete(this.key(s.name));
      }
      if (this.search) {
        const q = this.search.value.trim();
        if (q) p.set(this.key("q"), this.search.value); else p.delete(this.key("q"));
      }
      if (this.groupBox) {
        if (this.groupBox.checked) p.delete(this.key("group")); else p.set(this.key("group"), "0");
      }
    }

    commit(change) {
      const p = HCP.state.read();
      change(p);
      HCP.state.write(p);
      this.apply();
    }

    apply() {
      const p = HCP.state.read();
      for (const s of this.selects) {
        const v = p.get(this.key(s.name)) || "";
        // A shared link may name a value this page does not hold: keep it, and show no rows.
        if (v && !Array.from(s.options).some((o) => o.value === v)) {
          s.append(HCP.el("option", { value: v, text: v + " (none here)" }));
        }
        s.value = v;
      }
      if (this.search && this.search.value !== (p.get(this.key("q")) || "")) {
        this.search.value = p.get(this.key("q")) || "";
      }
      const grouped = Boolean(this.groupCol) && p.get(this.key("group")) !== "0";
      if (this.groupBox) this.groupBox.checked = grouped;
      const sortParam = p.get(this.key("sort"));
      this.sort = (sortParam === null ? this.defaultSort : parseSort(sortParam))
        .filter(([c]) => this.column(c) && this.table.has(c));
      this.group = grouped && this.table.has(this.groupCol) ? this.groupCol : "";
      // Grouped, the group's column would repeat its heading on every row: it is only exported.
      for (const c of this.columns) {
        c.shown = !c.exportOnly && c.name !== this.group;
        c.th.hidden = !c.shown;
      }
      this.shownColumns = this.columns.filter((c) => c.shown);
      this.order();
      const sig = this.sortSig + "|" + this.selects.map((s) => s.value).join("\u0001") + "|" +
        (this.search ? this.search.value : "");
      if (sig !== this.filterSig) {
        this.filterSig = sig;
        this.filter();
        this.scroller.scrollTop = 0;
      }
      this.showSort();
      this.draw();
    }

    // -- sorting: one permutation per sort order; filters then only walk it -----------------
    onSort(name, multi) {
      const c = this.column(name);
      const other = c.first === "asc" ? "desc" : "asc";
      // A plain click sorts by this column alone: it counts as sorted already only when it is
      // the whole sort (not when a page's default sort merely names it second).
      const current = multi ? this.sort.find(([n]) => n === name)
        : this.sort.length === 1 && this.sort[0][0] === name ? this.sort[0] : null;
      // First click: the column's natural direction; again: reversed; a third time: off. The
      // cycle follows the clicks: a column that came reversed from the page's default or a link
      // (not from a click on it just before) is put in its natural direction, not cleared.
      const again = this.lastSort && this.lastSort.name === name && this.lastSort.sort === sortText(this.sort);
      const next = !current ? c.first : current[1] === c.first ? other : again ? null : c.first;
      let sort;
      if (multi) {
        sort = current
          ? this.sort.map(([n, d]) => [n, n === name ? next : d]).filter(([, d]) => d)
          : [...this.sort, [name, next]];
      } else {
        sort = next ? [[name, next]] : [];
      }
      this.lastSort = { name, sort: sortText(sort) };
      this.commit((p) => p.set(this.key("sort"), sortText(sort)));
    }

    sortKey(name) {
      if (this.sortKeys.has(name)) return this.sortKeys.get(name);
      const col = this.table.col(name), n = this.table.n, key = new Float64Array(n);
      if (col.kind === "dict") {
        // Sorted dictionary: the code is the rank. Blanks sort last in either direction.
        const blank = col.dict.indexOf("");
        for (let i = 0; i < n; i++) key[i] = col.codes[i] === blank ? NaN : col.codes[i];
      } else if (col.values.some((v) => typeof v === "string")) {
        const low = this.lower(col);
        const idx = new Uint32Array(n);
        for (let i = 0; i < n; i++) idx[i] = i;
        idx.sort((a, b) => (low[a] < low[b] ? -1 : low[a] > low[b] ? 1 : 0));
        let rank = 0;
        for (let j = 0; j < n; j++) {
          if (j > 0 && low[idx[j]] !== low[idx[j - 1]]) rank = j;
          key[idx[j]] = low[idx[j]] === "" ? NaN : rank;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const v = col.values[i];
          key[i] = v == null ? NaN : +v;
        }
      }
      this.sortKeys.set(name, key);
      return key;
    }

    lower(col) {
      if (!this.lowered.has(col.name)) {
        this.lowered.set(col.name, col.values.map((v) => (v == null ? "" : String(v).toLowerCase())));
      }
      return this.lowered.get(col.name);
    }

    order() {
      const sig = this.group + "|" + sortText(this.sort);
      if (sig === this.sortSig) return;
      this.sortSig = sig;
      const n = this.table.n, perm = new Uint32Array(n);
      for (let i = 0; i < n; i++) perm[i] = i;
      const keys = [], dirs = [];
      if (this.group) {
        // Groups run in the direction the sort gives their column, else the page's default sort
        // (efficacy's quarters stay newest first when sorted by name), else up.
        const own = this.sort.find(([c]) => c === this.group) ||
          this.defaultSort.find(([c]) => c === this.group);
        keys.push(this.sortKey(this.group));
        dirs.push(own && own[1] === "desc" ? -1 : 1);
      }
      for (const [c, d] of this.sort) { keys.push(this.sortKey(c)); dirs.push(d === "desc" ? -1 : 1); }
      if (keys.length) {
        perm.sort((a, b) => {
          for (let k = 0; k < keys.length; k++) {
            const x = keys[k][a], y = keys[k][b];
            if (x === y) continue;
            if (x !== x) { if (y !== y) continue; return 1; } // blanks last
            if (y !== y) return -1;
            return x < y ? -dirs[k] : dirs[k];
          }
          return a - b; // stable: the file's own order (largest amount first) breaks ties
        });
      }
      this.perm = perm;
    }

    // -- filtering: one pass over the sorted rows, comparing dictionary codes ---------------
    matcher(text) {
      const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
      const cols = this.searchCols.filter((c) => this.table.has(c)).map((c) => this.table.col(c));
      if (!terms.length || !cols.length) return null;
      const tests = terms.map((term) => cols.map((col) => {
        if (col.kind === "dict") {
          const hit = Uint8Array.from(col.dict, (v) => (String(v).toLowerCase().includes(term) ? 1 : 0));
          const codes = col.codes;
          return (i) => hit[codes[i]] === 1;
        }
        const low = this.lower(col);
        return (i) => low[i].includes(term);
      }));
      return (i) => tests.every((anyCol) => anyCol.some((test) => test(i)));
    }

    filter() {
      const t = this.table, n = t.n, perm = this.perm;
      const codeArrays = [], wanted = [], plain = [];
      let none = false;
      for (const s of this.selects) {
        if (!s.value) continue;
        if (!t.has(s.dataset.filter)) { none = true; continue; }
        const col = t.col(s.dataset.filter);
        if (col.kind === "dict") {
          const code = col.dict.indexOf(s.value);
          if (code < 0) none = true;
          codeArrays.push(col.codes);
          wanted.push(code);
        } else {
          plain.push([col, s.value]);
        }
      }
      const match = this.search ? this.matcher(this.search.value) : null;
      const groupCol = this.group ? t.col(this.group) : null;
      const sum = this.sumCol && t.has(this.sumCol) ? t.col(this.sumCol) : null;
      const tally = this.tallyCol && t.has(this.tallyCol) ? t.col(this.tallyCol) : null;
      const tallies = tally && tally.kind === "dict" ? new Float64Array(tally.dict.length) : null;
      const items = new Int32Array(groupCol ? 2 * n : n);
      const groups = [];
      let m = 0, rows = 0, total = 0, lastGroup;
      for (let p = 0; p < n && !none; p++) {
        const i = perm[p];
        let ok = true;
        for (let f = 0; f < codeArrays.length; f++) {
          if (codeArrays[f][i] !== wanted[f]) { ok = false; break; }
        }
        if (!ok) continue;
        for (let f = 0; f < plain.length; f++) {
          if (String(plain[f][0].get(i)) !== plain[f][1]) { ok = false; break; }
        }
        if (!ok || (match && !match(i))) continue;
        const amount = sum ? sum.get(i) || 0 : 0;
        if (groupCol) {
          const g = groupCol.get(i);
          if (groups.length === 0 || g !== lastGroup) {
            groups.push({ value: g, count: 0, sum: 0 });
            items[m++] = -groups.length;
            lastGroup = g;
          }
          const group = groups[groups.length - 1];
          group.count++;
          group.sum += amount;
        }
        items[m++] = i;
        rows++;
        total += amount;
        if (tallies) tallies[tally.codes[i]]++;
      }
      this.items = items.subarray(0, m);
      this.groups = groups;
      this.rows = rows;
      this.total = total;
      this.tallies = tallies;
    }

    // -- drawing: only the rows in view ------------------------------------------------------
    setPrinting(on) {
      if (this.printing === on) return;
      this.printing = on;
      this.draw();
    }

    visible() {
      const h = this.rowH || 32;
      const top = this.scroller.scrollTop;
      const view = this.scroller.clientHeight || window.innerHeight;
      return [Math.max(0, Math.floor(top / h)), Math.ceil((top + view) / h)];
    }

    onScroll() {
      if (this.raf) return;
      this.raf = requestAnimationFrame(() => {
        this.raf = 0;
        if (this.whole) return;
        const [first, last] = this.visible();
        if (first < this.range[0] || Math.min(last, this.items.length) > this.range[1]) this.draw(true);
      });
    }

    // scrolled: the rows are the same, only the range moved (see keep below).
    draw(scrolled = false) {
      const total = this.items.length, h = this.rowH || 32;
      let first, last;
      if (this.printing || this.whole) {
        first = 0;
        last = Math.min(total, this.printing ? PRINT_MAX : total);
      } else {
        const [a, b] = this.visible();
        first = Math.max(0, a - OVERSCAN);
        last = Math.min(total, b + OVERSCAN);
      }
      this.range = [first, last];
      // Tabbing through the links scrolls, and a scroll redraws: the focused row is kept (the
      // same node, focused again) so focus does not fall back to the page's start. Only on a
      // scroll: after a filter or sort the same position holds another row.
      const focused = document.activeElement;
      const keep = scrolled && this.tbody.contains(focused) ? focused.closest("tr") : null;
      const keepAt = keep ? Number(keep.getAttribute("aria-rowindex")) - 2 : -1;
      const body = document.createDocumentFragment();
      if (first > 0) body.append(this.spacer(first * h));
      for (let k = first; k < last; k++) body.append(k === keepAt ? keep : this.row(this.items[k], k));
      if (last < total) body.append(this.spacer((total - last) * h));
      this.tbody.replaceChildren(body);
      if (keep && keep.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
      this.tableEl.setAttribute("aria-rowcount", String(total + 1));
      if (!this.rowH && last > first && !this.whole) {
        const row = this.tbody.querySelector("tr:not(.spacer)");
        const measured = row ? row.getBoundingClientRect().height : 0;
        if (measured > 0) {
          this.rowH = measured;
          if (Math.abs(measured - h) > 0.5 && !this.printing) { this.draw(); return; }
        }
      }
      this.describe(last - first < total && this.printing ? last : null);
      HCP.drawnAt = performance.now();
    }

    spacer(height) {
      const td = HCP.el("td", { colspan: this.shownColumns.length });
      td.style.height = height + "px"; // CSSOM, which the CSP's style-src 'self' allows
      return HCP.el("tr", { class: "spacer", "aria-hidden": "true" }, td);
    }

    row(item, k) {
      if (item < 0) {
        const g = this.groups[-item - 1];
        const meta = HCP.fmt.number(g.count) + " " + (g.count === 1 ? this.noun.replace(/s$/, "") : this.noun) +
          (this.sumCol ? " · " + HCP.fmt.money(g.sum) : "");
        const th = HCP.el("th", { scope: "rowgroup", colspan: this.shownColumns.length },
          HCP.el("span", { class: "group-name", text: g.value == null || g.value === "" ? "(blank)" : String(g.value) }),
          HCP.el("span", { class: "group-meta", text: meta }));
        return HCP.el("tr", { class: "group", "aria-rowindex": k + 2 }, th);
      }
      const tr = HCP.el("tr", { "aria-rowindex": k + 2 });
      for (const c of this.shownColumns) tr.append(this.cell(c, item));
      return tr;
    }

    cell(c, i) {
      const td = document.createElement("td");
      const col = c.col;
      if (!col) return td;
      const v = col.get(i);
      switch (c.type) {
        case "money": td.textContent = HCP.fmt.money(v); td.className = "num"; break;
        case "number": td.textContent = HCP.fmt.number(v); td.className = "num"; break;
        case "id": td.textContent = v == null ? "" : String(v); td.className = "num"; break; // a line number, no separators
        case "percent": td.textContent = HCP.fmt.percent(v); td.className = "num"; break;
        case "date": td.textContent = HCP.fmt.time(col, i); td.className = "date"; break;
        case "flag":
          td.className = "tag";
          if (v) td.append(HCP.el("span", { class: "flag " + c.tone, text: c.yes }));
          break;
        case "status":
          td.className = "tag";
          if (v) td.append(HCP.el("span", { class: "status status-" + classSafe(String(v)), text: String(v) }));
          break;
        case "xray": {
          const key = col.keys ? col.key(i)
            : this.table.has(c.keyCol) ? this.table.col(c.keyCol).get(i) : null;
          if (key) td.append(HCP.el("a", { href: HCP.xrayOf(key), text: v }));
          else td.textContent = v == null ? "" : String(v);
          break;
        }
        case "link": {
          const slug = col.slug(i);
          const folder = c.folderCol ? String(this.table.col(c.folderCol).get(i)) + "s" : c.folder;
          if (slug && (folder === "owners" || folder === "regions")) {
            td.append(HCP.el("a", { href: HCP.pageOf(folder, slug), text: v }));
          } else td.textContent = v == null ? "" : String(v);
          break;
        }
        default:
          td.textContent = v == null ? "" : String(v);
      }
      if (td.textContent.length > 28) td.title = td.textContent;
      if (c.minor) td.classList.add("minor");
      return td;
    }

    showSort() {
      const primary = this.sort.length ? this.sort[0][0] : null;
      for (const c of this.columns) {
        const button = c.th.querySelector("button.sort");
        if (!button) continue;
        const at = this.sort.findIndex(([n]) => n === c.name);
        if (at < 0) {
          delete button.dataset.dir;
          delete button.dataset.order;
        } else {
          button.dataset.dir = this.sort[at][1];
          if (this.sort.length > 1) button.dataset.order = String(at + 1);
          else delete button.dataset.order;
        }
        // aria-sort belongs on one header: the primary sort column.
        c.th.setAttribute("aria-sort", c.name !== primary ? "none"
          : this.sort[0][1] === "asc" ? "ascending" : "descending");
      }
    }

    describe(printedRows) {
      const parts = [HCP.fmt.number(this.rows) + " of " + HCP.fmt.number(this.table.n) + " " + this.noun];
      if (this.tallies) {
        const col = this.table.col(this.tallyCol);
        col.dict.forEach((v, j) => {
          if (this.tallies[j]) parts.push(HCP.fmt.number(this.tallies[j]) + " " + v);
        });
      }
      if (this.sumCol) parts.push(HCP.fmt.money(this.total));
      if (this.summaryEl) this.summaryEl.textContent = parts.join(" · ");
      if (this.emptyEl) {
        this.emptyEl.hidden = this.rows > 0;
        this.emptyEl.textContent = this.table.n
          ? "No " + this.noun + " match these filters." : "No " + this.noun + ".";
      }
      const active = this.activeFilters();
      const summary = this.section.querySelector("details.filter-panel > summary");
      if (summary) summary.textContent = active.length ? "Filters (" + active.length + " set)" : "Filters";
      if (this.printEl) {
        const sorted = this.sort.map(([n, d]) => this.column(n).label + (d === "asc" ? " ↑" : " ↓"));
        let text = (active.length ? "Filters: " + active.join("; ") : "No filters") +
          (sorted.length ? ". Sorted by " + sorted.join(", ") : "") + ".";
        if (printedRows != null) {
          text += " This printout holds the first " + HCP.fmt.number(printedRows) + " of " +
            HCP.fmt.number(this.rows) + " rows; filter to print the others.";
        }
        this.printEl.textContent = text;
      }
    }

    // -- export: exactly the rows shown, in the order shown ---------------------------------
    exportCells() {
      const header = this.columns.map((c) => c.label);
      const rows = [];
      for (const item of this.items) {
        if (item < 0) continue;
        rows.push(this.columns.map((c) => this.exportCell(c, item)));
      }
      return { header, rows };
    }

    exportCell(c, i) {
      const col = c.col;
      if (!col) return { t: "s", v: null };
      const v = col.get(i);
      if (v == null || v === "") return { t: "s", v: null };
      switch (c.type) {
        case "money": case "number": case "id": case "percent": return { t: "n", v: +v, type: c.type };
        case "date": {
          // The text for the CSV; the instant, from the value itself, for Excel (the text of a
          // midnight timestamp is a bare date, so it cannot be parsed back as a time).
          const minutes = col.kind === "minutes" ? v : v * 1440;
          return { t: "d", v: HCP.fmt.time(col, i), at: new Date(minutes * 60000), time: minutes % 1440 !== 0 };
        }
        case "flag": return { t: "b", v: Boolean(v) };
        default: return { t: "s", v: String(v) };
      }
    }

    fileName(ext) {
      return this.exportName + (this.exportTag ? "-" + this.exportTag : "") +
        (HCP.asOf ? "-" + HCP.asOf : "") + "." + ext;
    }

    toCSV() {
      // Excel opens a CSV as UTF-8 only with a BOM.
      const text = (s) => {
        const out = HCP.safeText(s);
        return /[",\r\n]/.test(out) || /^\s|\s$/.test(out) ? '"' + out.replace(/"/g, '""') + '"' : out;
      };
      const value = (cell) => {
        if (cell.v == null) return "";
        if (cell.t === "n") return String(cell.v);
        if (cell.t === "b") return cell.v ? "true" : "false";
        if (cell.t === "d") return cell.v;
        return text(cell.v);
      };
      const { header, rows } = this.exportCells();
      const lines = [header.map(text).join(",")];
      for (const r of rows) lines.push(r.map(value).join(","));
      return "\uFEFF" + lines.join("\r\n") + "\r\n";
    }

    downloadCSV() {
      HCP.download(new Blob([this.toCSV()], { type: "text/csv;charset=utf-8" }), this.fileName("csv"));
    }

    async downloadXLSX(button) {
      button.disabled = true;
      try {
        if (!window.writeXlsxFile) await HCP.load(document.documentElement.dataset.xlsx);
        const { header, rows } = this.exportCells();
        const sheet = [header.map((h) => ({ value: h, fontWeight: "bold" }))];
        for (const r of rows) {
          sheet.push(r.map((cell) => {
            if (cell.v == null) return null;
            if (cell.t === "n") {
              const format = cell.type === "percent" ? "0%" : cell.type === "money" ? "#,##0" : undefined;
              return { type: Number, value: cell.v, format };
            }
            if (cell.t === "b") return { type: Boolean, value: cell.v };
            if (cell.t === "d") {
              return { type: Date, value: cell.at, format: cell.time ? "yyyy-mm-dd hh:mm" : "yyyy-mm-dd" };
            }
            return { type: String, value: HCP.safeText(cell.v) };
          }));
        }
        const columns = this.columns.map((c) => ({ width: NUMERIC.has(c.type) ? 14 : 24 }));
        const blob = await window.writeXlsxFile(sheet, { columns, stickyRowsCount: 1 }).toBlob();
        HCP.download(blob, this.fileName("xlsx"));
      } finally {
        button.disabled = false;
      }
    }
  }

  // A text a spreadsheet would run as a formula (= + - @, or a tab or CR, after any spaces it
  // trims) gets a leading apostrophe: OWASP's advice for CSV injection, the rule the transform's
  // own CSV files follow (hcportal/core/safecsv.py). Excel files get it too, so a sheet saved
  // again as CSV stays safe.
  HCP.safeText = function (value) {
    const text = String(value);
    return /^'*(?:[\t\r]|[\s\x0b\x1c-\x1f\x85]*[=+\-@])/.test(text) ? "'" + text : text;
  };

  HCP.Grid = Grid;
  HCP.grids = [];

  // Every table whose data the page loaded with <script src> is ready once the page has parsed.
  document.addEventListener("DOMContentLoaded", () => {
    for (const section of document.querySelectorAll("section[data-grid][data-dataset]")) {
      const payload = HCP.data[section.dataset.dataset];
      if (payload) HCP.grids.push(new Grid(section, new HCP.Table(payload)));
    }
    if (!document.querySelector("[data-xray]")) HCP.ready();
  });

  // The moment a page is usable: its tables are drawn (the benchmark reads HCP.readyAt).
  HCP.ready = function () {
    HCP.readyAt = performance.now();
    document.documentElement.dataset.ready = "1";
  };
})(window.HCP);
