// Virtual rows: a table's <tbody> holds only the rows in view plus a margin, between two
// spacer rows as tall as the rows left out, so 100,000 rows cost what 60 do. A small table is
// drawn whole (its rows may then wrap), and so is a printout (up to PRINT_MAX rows).
"use strict";

(function (HCP) {
  const OVERSCAN = 12; // rows drawn beyond the visible ones, above and below
  const PRINT_MAX = 3000; // rows a printout holds; filter to print the rest

  class VirtualRows {
    // tableEl: the <table>; scroller: the box it scrolls in; row(item, k): the <tr> of the k-th
    // item; drawn(printed): told after each draw, with the rows a printout holds when it cannot
    // hold them all (else null).
    constructor(tableEl, scroller, row, drawn) {
      this.tableEl = tableEl;
      this.tbody = tableEl.tBodies[0];
      this.scroller = scroller;
      this.row = row;
      this.drawn = drawn;
      this.items = new Int32Array(0); // what to draw: see HCP.filtering.run
      this.columns = 1; // how many cells a row has (a spacer spans them)
      this.whole = false;
      this.printing = false;
      this.rowH = 0;
      this.range = [0, 0];
      this.raf = 0;
      scroller.addEventListener("scroll", () => this.onScroll(), { passive: true });
      // A new width may change a row's height (a phone's cards): measure it again.
      window.addEventListener("resize", () => { this.rowH = 0; this.draw(); });
      window.addEventListener("beforeprint", () => this.setPrinting(true));
      window.addEventListener("afterprint", () => this.setPrinting(false));
      window.matchMedia("print").addEventListener("change", (e) => this.setPrinting(e.matches));
    }

    // Draw every row, not only those in view: for small tables.
    setWhole(on) {
      this.whole = on;
      this.tableEl.classList.toggle("all", on);
    }

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
      this.drawn(last - first < total && this.printing ? last : null);
      HCP.drawnAt = performance.now();
    }

    spacer(height) {
      const td = HCP.el("td", { colspan: this.columns });
      td.style.height = height + "px"; // CSSOM, which the CSP's style-src 'self' allows
      return HCP.el("tr", { class: "spacer", "aria-hidden": "true" }, td);
    }
  }

  HCP.VirtualRows = VirtualRows;
})(window.HCP);
