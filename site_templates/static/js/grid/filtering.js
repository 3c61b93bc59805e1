// Filtering a table: one pass over the rows in sorted order that keeps those every filter
// accepts, counts and sums them, and marks where each group starts. No DOM: tests/
// test_grid_js.py runs it in Chromium. A filter change costs this one pass (milliseconds at
// 185,000 rows): the sort is done once per sort order (HCP.sorting.permutation).
"use strict";

(function (HCP) {
  // Free text: every word must be found in some searched column, case-insensitively, as plain
  // text (never a pattern). null when nothing is to be searched.
  //
  // Made as one mask of the rows that match (typed arrays, no call per row and column): a
  // dictionary's entries are lowered once per column (kept) and tested once per word, so a
  // search over 185,000 rows costs a few passes over small integer arrays.
  function matcher(table, searchCols, text) {
    const terms = String(text || "").toLowerCase().split(/\s+/).filter(Boolean);
    const cols = searchCols.filter((c) => table.has(c)).map((c) => table.col(c));
    if (!terms.length || !cols.length) return null;
    // The same search with another filter changed (an owner picked): the mask is kept.
    const key = searchCols.join(",") + "\u0001" + terms.join(" ");
    const last = lastMatch.get(table);
    if (last && last.key === key) return last.match;
    const n = table.n;
    let mask = null; // rows every word so far was found in
    for (const term of terms) {
      const found = new Uint8Array(n);
      for (const col of cols) {
        if (col.kind === "dict") {
          const low = loweredDict(col);
          const hit = new Uint8Array(low.length);
          let any = false;
          for (let j = 0; j < low.length; j++) if (low[j].includes(term)) { hit[j] = 1; any = true; }
          if (!any) continue;
          const codes = col.codes;
          for (let i = 0; i < n; i++) found[i] |= hit[codes[i]];
        } else {
          const low = col.lowered();
          for (let i = 0; i < n; i++) if (!found[i] && low[i].includes(term)) found[i] = 1;
        }
      }
      if (mask) for (let i = 0; i < n; i++) mask[i] &= found[i];
      else mask = found;
    }
    const match = (i) => mask[i] === 1;
    lastMatch.set(table, { key, match });
    return match;
  }
  const lastMatch = new WeakMap(); // table -> the last search's {key, match}

  // Make the searched columns' lower-case text ahead of the first search (the page calls it
  // when idle): 100,000 account names take tens of milliseconds to lower, once.
  function prepare(table, searchCols) {
    for (const c of searchCols) {
      if (!table.has(c)) continue;
      const col = table.col(c);
      if (col.kind === "dict") loweredDict(col);
      else col.lowered();
    }
  }

  // A dictionary's entries as lower-case text, made once per column.
  const loweredDicts = new WeakMap();
  function loweredDict(col) {
    let low = loweredDicts.get(col);
    if (!low) {
      low = col.dict.map((v) => (v == null ? "" : String(v).toLowerCase()));
      loweredDicts.set(col, low);
    }
    return low;
  }

  // The rows to show, in perm's order. view:
  //   filters: [[column, value, match], ...], each keeping the rows whose value is exactly that
  //     text ("" sets no filter), or, with match "word", whose value holds it as one of its
  //     space-separated words (a timeline event read by several score measures); a value the
  //     table does not hold, or a column it lacks, keeps none;
  //   search, searchCols: free text over these columns (see matcher);
  //   group: a column; a group starts wherever its value changes (perm puts groups together);
  //   sum: a numeric column to total; once: a column (contract_id) whose each value adds its
  //     row's sum only once, in the total and in each group; tally: a dictionary column to count
  //     rows per value.
  // Returns {items, groups, rows, total, tallies}: items are row numbers, with -g (g = 1, 2, ...)
  // where groups[g - 1] starts; each group has its value, count and sum.
  function run(table, perm, view) {
    const t = table, n = t.n;
    const codeArrays = [], wanted = [], plain = [];
    let none = false;
    for (const [name, raw, match] of view.filters || []) {
      if (!raw) continue;
      const value = String(raw);
      if (!t.has(name)) { none = true; continue; }
      const col = t.col(name);
      if (match === "word") {
        // Each distinct value is split once; rows then test their code (or value) against it.
        const holds = (v) => v != null && String(v).split(" ").includes(value);
        if (col.kind === "dict") {
          const hit = Uint8Array.from(col.dict, (v) => (holds(v) ? 1 : 0));
          codeArrays.push(hit.length ? col.codes.map((c) => hit[c]) : col.codes);
          wanted.push(hit.length ? 1 : -1);
        } else {
          codeArrays.push(Uint8Array.from({ length: n }, (_, i) => (holds(col.get(i)) ? 1 : 0)));
          wanted.push(1);
        }
        continue;
      }
      if (col.kind === "dict") {
        const code = col.dict.findIndex((v) => String(v) === value); // true/false: as text
        if (code < 0) none = true;
        codeArrays.push(col.codes);
        wanted.push(code);
      } else {
        plain.push([col, value]);
      }
    }
    const match = matcher(t, view.searchCols || [], view.search);
    const groupCol = view.group && t.has(view.group) ? t.col(view.group) : null;
    const sumCol = view.sum && t.has(view.sum) ? t.col(view.sum) : null;
    const sum = sumCol ? amounts(sumCol) : null;
    const once = sumCol && view.once && t.has(view.once) ? t.col(view.once) : null;
    // Which contracts were counted: marks in typed arrays indexed by a dense id per contract
    // (a Set cost a sixth of a filter pass at 180,000 rows); a group's marks are its number.
    const ids = once ? denseIds(once) : null;
    const seen = ids ? new Uint8Array(ids.count) : null;
    const seenInGroup = ids ? new Int32Array(ids.count) : null;
    const tally = view.tally && t.has(view.tally) ? t.col(view.tally) : null;
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
        const v = plain[f][0].get(i);
        if (v == null || String(v) !== plain[f][1]) { ok = false; break; }
      }
      if (!ok || (match && !match(i))) continue;
      const amount = sum ? sum[i] : 0;
      const id = ids ? ids.of[i] : 0;
      if (groupCol) {
        const g = groupCol.get(i);
        if (groups.length === 0 || g !== lastGroup) {
          groups.push({ value: g, count: 0, sum: 0 });
          items[m++] = -groups.length;
          lastGroup = g;
        }
        const group = groups[groups.length - 1];
        group.count++;
        if (!seenInGroup || seenInGroup[id] !== groups.length) group.sum += amount;
        if (seenInGroup) seenInGroup[id] = groups.length;
      }
      items[m++] = i;
      rows++;
      if (!seen || !seen[id]) total += amount;
      if (seen) seen[id] = 1;
      if (tallies) tallies[tally.codes[i]]++;
    }
    return { items: items.subarray(0, m), groups, rows, total, tallies };
  }

  // A column to total as numbers, a blank as 0, made once per column: the pass then reads a
  // typed array, not a value to convert per row.
  const sums = new WeakMap();
  function amounts(col) {
    let out = sums.get(col);
    if (!out) {
      const n = col.kind === "dict" ? col.codes.length : col.values.length;
      out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = +col.get(i) || 0;
      sums.set(col, out);
    }
    return out;
  }

  // Each row's value of the column col as a dense number 0, 1, ... (made once per column): {of, count}.
  const dense = new WeakMap();
  function denseIds(col) {
    if (dense.has(col)) return dense.get(col);
    const n = col.kind === "dict" ? col.codes.length : col.values.length;
    const of = new Int32Array(n), numbers = new Map();
    for (let i = 0; i < n; i++) {
      const v = col.get(i);
      let id = numbers.get(v);
      if (id === undefined) { id = numbers.size; numbers.set(v, id); }
      of[i] = id;
    }
    const out = { of, count: numbers.size };
    dense.set(col, out);
    return out;
  }

  // The distinct values a filter can offer, as text: a dictionary's entries that occur (in its
  // sorted order), else the values sorted by locale; blanks are not offered.
  // match "word": the distinct words of the values instead, sorted.
  function options(table, name, match) {
    if (!table.has(name)) return [];
    const col = table.col(name);
    if (match === "word") {
      const words = new Set();
      for (const v of options(table, name)) for (const w of v.split(" ")) if (w) words.add(w);
      return Array.from(words).sort((a, b) => a.localeCompare(b));
    }
    if (col.kind === "dict") {
      const seen = new Uint8Array(col.dict.length);
      for (let i = 0; i < table.n; i++) seen[col.codes[i]] = 1;
      return col.dict.filter((v, j) => seen[j] && v !== "").map(String);
    }
    const values = Array.from(new Set(col.values.filter((v) => v != null && v !== "").map(String)));
    return values.sort((a, b) => a.localeCompare(b));
  }

  HCP.filtering = { matcher, run, options, prepare };
})(window.HCP);
