// One cell of a table, drawn by its column's type (<th data-type>): money, number, id, percent,
// date, flag, status, xray (a link to the account's X-Ray), link (an owner's or a region's
// page), filter (a link to another table of the page filtered to the value), sentence (text
// that wraps: a next action), text. Each cell carries its column's label
// (data-label), which a phone's card layout shows beside the value (static/app.css). A value goes into the page only as text or as an attribute set by HCP.el: a name
// from a report never becomes markup.
"use strict";

(function (HCP) {
  // Types whose values are numbers: they align right, sort largest first on a first click and
  // are exported as numbers.
  const NUMERIC = new Set(["money", "number", "id", "percent", "date", "flag"]);
  const classSafe = (v) => (/^[a-z][a-z-]*$/.test(v) ? v : "other");
  const plain = (v) => (v == null ? "" : String(v));

  // c: the column as the grid read it from its <th> (type, col, keyCol, folder, folderCol, yes,
  // tone, minor); table: the rows' table, for the columns a link needs; i: the row.
  function td(c, table, i) {
    const cell = document.createElement("td");
    const col = c.col;
    if (!col) return cell;
    const v = col.get(i);
    switch (c.type) {
      case "money": cell.textContent = HCP.fmt.money(v); cell.className = "num"; break;
      case "number": cell.textContent = HCP.fmt.number(v); cell.className = "num"; break;
      case "id": cell.textContent = plain(v); cell.className = "num"; break; // a line number, no separators
      case "percent": cell.textContent = HCP.fmt.percent(v); cell.className = "num"; break;
      case "date": cell.textContent = HCP.fmt.time(col, i); cell.className = "date"; break;
      case "flag":
        cell.className = "tag";
        if (v) cell.append(HCP.el("span", { class: "flag " + c.tone, text: c.yes }));
        break;
      case "status":
        cell.className = "tag";
        if (v) cell.append(HCP.el("span", { class: "status status-" + classSafe(String(v)), text: String(v) }));
        break;
      case "xray": {
        const key = col.keys ? col.key(i) : table.has(c.keyCol) ? table.col(c.keyCol).get(i) : null;
        if (key) cell.append(HCP.el("a", { href: HCP.xrayOf(key), text: v }));
        else cell.textContent = plain(v);
        const pack = key && HCP.packOf(key);
        if (pack) {
          cell.append(" ", HCP.el("a", { href: pack, download: "", class: "pack",
            "aria-label": "Health-check pack of " + plain(v) + " (PowerPoint)", text: "pack" }));
        }
        break;
      }
      case "link": {
        const slug = col.slug(i);
        const folder = c.folderCol ? String(table.col(c.folderCol).get(i)) + "s" : c.folder;
        if (slug && (folder === "owners" || folder === "regions")) {
          cell.append(HCP.el("a", { href: HCP.pageOf(folder, slug), text: v }));
        } else cell.textContent = plain(v);
        break;
      }
      case "filter": {
        // A link that shows another table of the page filtered to this value (the X-Ray's
        // measure -> its events in the timeline): the target's prefix and filter name are the
        // column's data-target and data-param; the page's script follows it (xray.js).
        if (v == null || v === "") break;
        const p = HCP.state.read();
        p.set(c.target + c.param, String(v));
        cell.append(HCP.el("a", { href: "#" + p.toString(), text: String(v), "data-filter-link": c.target,
          "data-param": c.param, "data-value": String(v) }));
        break;
      }
      case "sentence": {
        // In a span: a laptop shows two lines of it (app.css), the whole on focus or a click.
        cell.append(HCP.el("span", { class: "text", text: plain(v) }));
        cell.className = "sentence";
        // data-crm: the sentence ends with a link to the account's record, to log the check.
        const crm = c.crm && v && table.has("account") ? HCP.crmOf(table.col("account").get(i)) : null;
        if (crm) cell.append(" ", HCP.el("a", { href: crm, class: "crm", target: "_blank", rel: "noopener", text: "Open in the CRM" }));
        else if (v) cell.firstChild.tabIndex = 0; // focus opens a clamped sentence (app.css)
        break;
      }
      default:
        cell.textContent = plain(v);
    }
    if (cell.textContent.length > 28) cell.title = cell.textContent;
    if (c.minor) cell.classList.add("minor");
    if (c.low) cell.classList.add("low");
    cell.dataset.label = c.label;
    return cell;
  }

  HCP.cells = { td, numeric: (type) => NUMERIC.has(type) };
})(window.HCP);
