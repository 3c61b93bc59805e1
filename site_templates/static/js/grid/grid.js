// hcportal's table: a semantic <table> that filters, sorts, groups and exports the columnar
// data, with every filter and sort in the URL, and virtual rows. This part wires the others
// to a page; each does one thing and the first four touch no DOM:
//
//   sorting.js    the sort's text, a header's click cycle, the rows' order (a permutation)
//   filtering.js  one pass over the sorted rows: filters, free text, groups, sums, tallies
//   state.js      a table's view in the URL fragment, and back
//   summary.js    the table's summary, group headings and print line, in words
//   cells.js      one cell of each column type
//   rows.js       virtual rows: only the rows in view are in the DOM; print draws them all
//   export.js     CSV and Excel files of the rows shown
//   grid.js       this: a <section data-grid> read, its controls wired, its view drawn
//
// They are classic scripts that add to window.HCP (ES modules do not load from file://), and
// the site ships them joined in that order as static/js/grid.js (site_templates/__init__.py).
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
  const SMALL = 300; // a table this small is drawn whole (its rows may then wrap)
  const LONG_LIST = 50; // a filter offering more values than this gets a set width (app.css)

  class Grid {
    constructor(section, table) {
      this.section = section;
      this.tableEl = section.querySelector("table.grid");
      this.scroller = section.querySelector(".grid-scroll");
      this.form = section.querySelector("form.filters");
      this.summaryEl = section.querySelector(".summary");
      this.emptyEl = section.querySelector(".empty");
      this.printEl = section.querySelector(".print-summary");
      this.noun = section.dataset.noun || "rows";
      this.groupCol = section.dataset.group || "";
      this.sumCol = section.dataset.sum || "";
      // data-sum-once="contract_id": each contract's amount counts once in a total, however
      // many of its occasions are shown, so that totals agree from page to page.
      this.sumOnce = section.dataset.sumOnce || "";
      this.sumLabel = section.dataset.sumLabel || "";
      this.tallyCol = section.dataset.tally || "";
      this.searchCols = (section.dataset.search || "").split(",").filter(Boolean);
      this.defaultSort = HCP.sorting.parse(section.dataset.sort || "");
      this.exportName = section.dataset.export || "table";
      this.exportTag = ""; // what the rows are about (the X-Ray's account), in the file's name
      this.columns = Array.from(this.tableEl.tHead.rows[0].cells, (th) => {
        const type = th.dataset.type || "text";
        return {
          th, type, name: th.dataset.col,
          label: th.textContent.trim(),
          // The first click's direction: largest numbers first, text A to Z, dates earliest first.
          first: th.dataset.first || (HCP.cells.numeric(type) && type !== "date" ? "desc" : "asc"),
          keyCol: th.dataset.key || "account_key",
          folder: th.dataset.folder || "",
          folderCol: th.dataset.folderCol || "",
          target: th.dataset.target || "", // type filter: the prefix of the table it filters
          param: th.dataset.param || "", // ... and the name of that table's filter
          yes: th.dataset.yes || "yes",
          tone: th.dataset.tone || "",
          crm: "crm" in th.dataset,
          minor: th.classList.contains("minor"),
          low: th.classList.contains("low"),
          exportOnly: th.hidden, // <th hidden>: not drawn, still exported
          shown: !th.hidden,
          col: null,
        };
      });
      this.selects = this.form ? Array.from(this.form.querySelectorAll("select[data-filter]")) : [];
      this.search = this.form ? this.form.querySelector("input[data-filter='*']") : null;
      this.groupBox = this.form ? this.form.querySelector("input[data-option='group']") : null;
      // What this table keeps in the URL (HCP.gridState): sortable is set with each table.
      this.spec = {
        prefix: section.dataset.statePrefix || "",
        filters: this.selects.map((s) => s.name),
        search: Boolean(this.search),
        group: Boolean(this.groupCol),
        groupOff: "groupOff" in section.dataset,
        sortable: [],
        defaultSort: this.defaultSort,
      };
      this.view = new HCP.VirtualRows(this.tableEl, this.scroller,
        (item, k) => this.row(item, k), (printed) => this.describe(printed));
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

    column(name) { return this.columns.find((c) => c.name === name); }

    // A new table for the same view (the X-Ray shows another account): caches and options reset.
    setTable(table) {
      this.table = table;
      this.sortSig = null;
      this.filterSig = null;
      for (const c of this.columns) c.col = table.has(c.name) ? table.col(c.name) : null;
      this.spec.sortable = this.columns.filter((c) => c.col).map((c) => c.name);
      this.view.setWhole(table.n <= SMALL);
      // The values each filter offers, to look one up without walking thousands of <option>s.
      this.offered = new Map();
      for (const s of this.selects) {
        while (s.options.length > 1) s.remove(1);
        const values = HCP.filtering.options(table, s.dataset.filter, s.dataset.match);
        if (s.dataset.order === "desc") values.reverse();
        for (const v of values) s.append(HCP.el("option", { value: v, text: v }));
        this.offered.set(s, new Set(values));
        s.classList.toggle("long", values.length > LONG_LIST); // a set width (app.css): why there
      }
      this.apply();
      // The search's lower-case text is made while nobody types, not on the first key.
      if (this.search && table.n > SMALL) {
        const idle = window.requestIdleCallback || ((f) => setTimeout(f, 200));
        idle(() => { if (this.table === table) HCP.filtering.prepare(table, this.searchCols); });
      }
    }

    // -- state: the URL is the truth; controls write it, then the view is drawn from it --------
    wire() {
      if (this.form) {
        this.form.addEventListener("submit", (e) => e.preventDefault());
        this.form.addEventListener("change", (e) => {
          if (e.target === this.search) return;
          this.commit(this.controls());
        });
        if (this.search) this.search.addEventListener("input", () => this.commit(this.controls()));
        this.form.addEventListener("click", (e) => {
          const action = e.target.closest("[data-action]");
          if (action && action.dataset.action === "clear") this.commit(null);
        });
      }
      this.section.addEventListener("click", (e) => {
        const action = e.target.closest("[data-action]");
        if (!action || !this.section.contains(action)) return;
        if (action.dataset.action === "csv") this.downloadCSV();
        else if (action.dataset.action === "xlsx") this.downloadXLSX(action);
        else if (action.dataset.action === "print") window.print();
      });
      // A click on a next action clamped to two lines opens it whole, and closes it again.
      this.tableEl.tBodies[0].addEventListener("click", (e) => {
        const text = e.target.closest("td.sentence .text");
        if (text) text.parentElement.classList.toggle("open");
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
    }

    // The view the controls show: their values, the search text, the grouping.
    controls() {
      const filters = {};
      for (const s of this.selects) filters[s.name] = s.value;
      const view = { filters };
      if (this.search) view.q = this.search.value;
      if (this.groupBox) view.grouped = this.groupBox.checked;
      return view;
    }

    // Write a change of view into the URL (null: clear the filters), then draw from the URL.
    commit(view) {
      const p = HCP.state.read();
      if (view) HCP.gridState.write(p, this.spec, view);
      else HCP.gridState.clear(p, this.spec);
      HCP.state.write(p);
      this.apply();
    }

    apply() {
      const view = HCP.gridState.read(HCP.state.read(), this.spec);
      for (const s of this.selects) {
        const v = view.filters[s.name];
        // A shared link may name a value this page does not hold: keep it, and show no rows.
        if (v && !this.offered.get(s).has(v)) {
          s.append(HCP.el("option", { value: v, text: v + " (none here)" }));
          this.offered.get(s).add(v);
        }
        s.value = v;
      }
      if (this.search && this.search.value !== view.q) this.search.value = view.q;
      if (this.groupBox) this.groupBox.checked = view.grouped;
      this.sort = view.sort;
      this.group = view.grouped && this.table.has(this.groupCol) ? this.groupCol : "";
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

    // -- sorting and filtering (HCP.sorting, HCP.filtering) -----------------------------------
    onSort(name, multi) {
      const next = HCP.sorting.click({ sort: this.sort, last: this.lastSort }, name, this.column(name).first, multi);
      this.lastSort = next.last;
      this.commit({ sort: next.sort });
    }

    // One permutation per sort order (and grouping); a filter change only walks it.
    order() {
      const sig = this.group + "|" + HCP.sorting.text(this.sort);
      if (sig === this.sortSig) return;
      this.sortSig = sig;
      const sort = this.group
        ? [[this.group, HCP.sorting.groupDirection(this.group, this.sort, this.defaultSort)], ...this.sort]
        : this.sort;
      this.perm = HCP.sorting.permutation(this.table, sort);
    }

    filter() {
      const out = HCP.filtering.run(this.table, this.perm, {
        filters: this.selects.map((s) => [s.dataset.filter, s.value, s.dataset.match]),
        search: this.search ? this.search.value : "",
        searchCols: this.searchCols,
        group: this.group,
        sum: this.sumCol,
        once: this.sumOnce,
        tally: this.tallyCol,
      });
      this.items = out.items;
      this.groups = out.groups;
      this.rows = out.rows;
      this.total = out.total;
      this.tallies = out.tallies;
    }

    // -- drawing (HCP.VirtualRows, HCP.cells) ------------------------------------------------
    draw() {
      this.view.items = this.items;
      this.view.columns = this.shownColumns.length;
      this.view.draw();
    }

    row(item, k) {
      if (item < 0) {
        const g = this.groups[-item - 1];
        const th = HCP.el("th", { scope: "rowgroup", colspan: this.shownColumns.length },
          HCP.el("span", { class: "group-name", text: g.value == null || g.value === "" ? "(blank)" : String(g.value) }),
          HCP.el("span", { class: "group-meta", text: HCP.summary.groupLine(g.count, this.noun, this.sumCol ? g.sum : null, this.sumLabel) }));
        return HCP.el("tr", { class: "group", "aria-rowindex": k + 2 }, th);
      }
      const tr = HCP.el("tr", { "aria-rowindex": k + 2 });
      for (const c of this.shownColumns) tr.append(HCP.cells.td(c, this.table, item));
      return tr;
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

    // printed: the rows a printout holds when it cannot hold them all, else null.
    describe(printed) {
      const tallies = this.tallies ? this.table.col(this.tallyCol).dict.map((v, j) => [v, this.tallies[j]]) : null;
      if (this.summaryEl) {
        this.summaryEl.textContent = HCP.summary.line(this.rows, this.table.n, this.noun, tallies,
          this.sumCol ? this.total : null, this.sumLabel);
      }
      if (this.emptyEl) {
        this.emptyEl.hidden = this.rows > 0;
        this.emptyEl.textContent = HCP.summary.empty(this.table.n, this.noun);
      }
      const active = this.activeFilters();
      const summary = this.section.querySelector("details.filter-panel > summary");
      if (summary) summary.textContent = active.length ? "Filters (" + active.length + " set)" : "Filters";
      if (this.printEl) {
        const sorted = this.sort.map(([n, d]) => [this.column(n).label, d]);
        this.printEl.textContent = HCP.summary.printLine(active, sorted, printed, this.rows);
      }
    }

    // -- export (HCP.exporting): exactly the rows shown, in the order shown -------------------
    // Named for what it holds: the page, the account (X-Ray), every filter set and the search,
    // and the as-of date: targets-worldwide-status-overdue-owner-ana-ortiz-2026-11-23.csv.
    fileName(ext) {
      const parts = this.exportTag ? [this.exportTag] : [];
      for (const s of this.selects) if (s.value) parts.push(s.name, s.value);
      if (this.search && this.search.value.trim()) parts.push("search", this.search.value);
      return HCP.exporting.fileName(this.exportName, parts.map(HCP.exporting.namePart).filter(Boolean).join("-"), ext);
    }

    // The sheet of an Excel file: the page's own heading (Excel allows 31 characters, without
    // []:*?/\).
    sheetName() {
      const heading = document.querySelector("h1");
      const text = (heading ? heading.textContent : this.exportName).replace(/[[\]:*?/\\]/g, " ");
      return text.replace(/\s+/g, " ").trim().replace(/^'+|'+$/g, "").slice(0, 31).trim() || "Sheet1";
    }

    toCSV() {
      return HCP.exporting.csv(HCP.exporting.cells(this.columns, this.items));
    }

    downloadCSV() {
      HCP.download(new Blob([this.toCSV()], { type: "text/csv;charset=utf-8" }), this.fileName("csv"));
    }

    async downloadXLSX(button) {
      button.disabled = true;
      try {
        const blob = await HCP.exporting.xlsx(HCP.exporting.cells(this.columns, this.items), this.columns, this.sheetName());
        HCP.download(blob, this.fileName("xlsx"));
      } finally {
        button.disabled = false;
      }
    }
  }

  HCP.Grid = Grid;
  HCP.grids = [];

  // Every table whose data the page loaded with <script src> is ready once the page has parsed.
  document.addEventListener("DOMContentLoaded", () => {
    for (const section of document.querySelectorAll("section[data-grid][data-dataset]")) {
      const payload = HCP.data[section.dataset.dataset];
      if (payload) HCP.grids.push(new Grid(section, new HCP.Table(payload)));
    }
    if (!document.querySelector("[data-xray]")) HCP.ready();
    // The packs' map loads after the page: draw again once, to add each account's pack link.
    if (HCP.grids.length) HCP.packsReady().then(() => {
      if (Object.keys(window.HCP_PACKS || {}).length) for (const g of HCP.grids) g.draw();
    });
  });

  // The moment a page is usable: its tables are drawn (the benchmark reads HCP.readyAt).
  HCP.ready = function () {
    HCP.readyAt = performance.now();
    document.documentElement.dataset.ready = "1";
  };
})(window.HCP);
