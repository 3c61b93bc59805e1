// One table's view in the URL fragment: its filters, search text, grouping and sort, each
// under the table's prefix (the X-Ray's tables use "o.", "h.", ...), so that a link restores
// what was on screen. No DOM: these functions read and write a URLSearchParams (HCP.state reads
// and writes the page's fragment); tests/test_grid_js.py runs them in Chromium.
//
// A fragment is typed by people and passed around in links: any parameter this table does not
// own is left alone (another table's, the X-Ray's account), a sort naming a column the table
// cannot sort by is dropped, and every value stays text (an option, a search), never markup.
"use strict";

(function (HCP) {
  // spec: {prefix, filters: [the filter controls' names], search: bool (a search box),
  //        group: bool (a grouping option), groupOff: bool (grouping is off unless asked),
  //        sortable: [columns], defaultSort: [[column, dir]]}
  // Returns {filters: {name: value or ""}, q, grouped, sort: [[column, dir], ...]}: the page's
  // default sort when the URL names none; "sort=" (empty) is a sort cleared by a click.
  function read(params, spec) {
    const prefix = spec.prefix || "";
    const get = (name) => params.get(prefix + name);
    const filters = {};
    for (const name of spec.filters || []) filters[name] = get(name) || "";
    const sortable = new Set(spec.sortable || []);
    const given = get("sort");
    const sort = (given === null ? spec.defaultSort || [] : HCP.sorting.parse(given))
      .filter(([c]) => sortable.has(c));
    return {
      filters,
      q: spec.search ? get("q") || "" : "",
      grouped: Boolean(spec.group) && (spec.groupOff ? get("group") === "1" : get("group") !== "0"),
      sort,
    };
  }

  // Write the parts of a view that are given (view.filters, q, grouped, sort) into params,
  // leaving every other parameter as it is; return params. A blank filter or search is left
  // out, the default grouping is not written (only "group=0", or "group=1" where grouping is off
  // by default), and a sort is always written,
  // even empty, since no sort differs from the page's default.
  function write(params, spec, view) {
    const prefix = spec.prefix || "";
    const put = (name, value) => {
      if (value) params.set(prefix + name, value);
      else params.delete(prefix + name);
    };
    if (view.filters) {
      for (const name of spec.filters || []) {
        if (name in view.filters) put(name, view.filters[name] == null ? "" : String(view.filters[name]));
      }
    }
    if (view.q !== undefined && spec.search) put("q", String(view.q || "").trim() ? String(view.q) : "");
    if (view.grouped !== undefined && spec.group) {
      put("group", view.grouped === !spec.groupOff ? "" : view.grouped ? "1" : "0");
    }
    if (view.sort) params.set(prefix + "sort", HCP.sorting.text(view.sort));
    return params;
  }

  // "Clear filters": the filters and the search go, the sort and the grouping stay.
  function clear(params, spec) {
    const filters = {};
    for (const name of spec.filters || []) filters[name] = "";
    return write(params, spec, { filters, q: "" });
  }

  HCP.gridState = { read, write, clear };
})(window.HCP);
