// Sorting a table: the sort as the URL writes it ("due:asc,amount:desc"), the cycle a header's
// clicks go through, and the rows' order as one permutation. No DOM: tests/test_grid_js.py runs
// these functions in Chromium on tables it builds.
"use strict";

(function (HCP) {
  // "due:asc,amount:desc" -> [["due", "asc"], ["amount", "desc"]]. A direction other than desc
  // reads asc and a column named twice keeps its first place: the text comes from a URL, which
  // anyone can edit. Whether a column exists is the caller's to check (HCP.gridState.read).
  function parse(text) {
    const sort = [], seen = new Set();
    for (const part of String(text == null ? "" : text).split(",")) {
      const [col, dir] = part.split(":");
      if (!col || seen.has(col)) continue;
      seen.add(col);
      sort.push([col, dir === "desc" ? "desc" : "asc"]);
    }
    return sort;
  }

  const text = (sort) => sort.map(([c, d]) => c + ":" + d).join(",");

  // A click on a header. cycle = {sort, last}: the sort in force, and what the previous click
  // made ({name, sort: text}), so that clicks on one column go natural, reversed, off. first is
  // the column's natural direction; multi (shift-click) adds the column to the sort instead of
  // replacing it. Returns the next {sort, last}.
  function click(cycle, name, first, multi) {
    const sort = cycle.sort, last = cycle.last;
    const other = first === "asc" ? "desc" : "asc";
    // A plain click sorts by this column alone: it counts as sorted already only when it is the
    // whole sort (not when a page's default sort merely names it second).
    const current = multi ? sort.find(([n]) => n === name)
      : sort.length === 1 && sort[0][0] === name ? sort[0] : null;
    // First click: the natural direction; again: reversed; a third time: off. The cycle follows
    // the clicks: a column that came reversed from the page's default or a link (not from a
    // click on it just before) is put in its natural direction, not cleared.
    const again = Boolean(last) && last.name === name && last.sort === text(sort);
    const next = !current ? first : current[1] === first ? other : again ? null : first;
    let out;
    if (multi) {
      out = current
        ? sort.map(([n, d]) => [n, n === name ? next : d]).filter(([, d]) => d)
        : [...sort, [name, next]];
    } else {
      out = next ? [[name, next]] : [];
    }
    return { sort: out, last: { name, sort: text(out) } };
  }

  // Grouped rows run in the direction the sort gives the group's column, else the page's
  // default sort (efficacy's quarters stay newest first when sorted by name), else up.
  function groupDirection(group, sort, defaultSort) {
    const own = sort.find(([c]) => c === group) || defaultSort.find(([c]) => c === group);
    return own && own[1] === "desc" ? "desc" : "asc";
  }

  // A column's sort key: one number per row, equal rows equal, NaN for a blank (blanks sort
  // last in either direction). Made once per column (a new table brings new columns).
  const keys = new WeakMap();
  function key(col) {
    if (keys.has(col)) return keys.get(col);
    const n = col.kind === "dict" ? col.codes.length : col.values.length;
    const out = new Float64Array(n);
    if (col.kind === "dict") {
      // Sorted dictionary (render/datafiles.py): the code is the rank.
      const blank = col.dict.indexOf("");
      for (let i = 0; i < n; i++) out[i] = col.codes[i] === blank ? NaN : col.codes[i];
    } else if (col.values.some((v) => typeof v === "string")) {
      // Text: ranked once by its lower-case form, so the comparisons below are of numbers.
      const low = col.lowered();
      const idx = new Uint32Array(n);
      for (let i = 0; i < n; i++) idx[i] = i;
      idx.sort((a, b) => (low[a] < low[b] ? -1 : low[a] > low[b] ? 1 : 0));
      let rank = 0;
      for (let j = 0; j < n; j++) {
        if (j > 0 && low[idx[j]] !== low[idx[j - 1]]) rank = j;
        out[idx[j]] = low[idx[j]] === "" ? NaN : rank;
      }
    } else {
      // Numbers, and dates as day or minute numbers: their own order.
      for (let i = 0; i < n; i++) {
        const v = col.values[i];
        out[i] = v == null ? NaN : +v;
      }
    }
    keys.set(col, out);
    return out;
  }

  // The rows' order for a sort ([[column, dir], ...], the group's column first when grouped):
  // a permutation of 0..n-1. Ties keep the file's own order (largest amount first).
  function permutation(table, sort) {
    const n = table.n, perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    const cols = sort.filter(([c]) => table.has(c));
    if (!cols.length) return perm;
    const ks = cols.map(([c]) => key(table.col(c)));
    const dirs = cols.map(([, d]) => (d === "desc" ? -1 : 1));
    perm.sort((a, b) => {
      for (let k = 0; k < ks.length; k++) {
        const x = ks[k][a], y = ks[k][b];
        if (x === y) continue;
        if (x !== x) { if (y !== y) continue; return 1; } // blanks last
        if (y !== y) return -1;
        return x < y ? -dirs[k] : dirs[k];
      }
      return a - b; // stable
    });
    return perm;
  }

  HCP.sorting = { parse, text, click, groupDirection, key, permutation };
})(window.HCP);
