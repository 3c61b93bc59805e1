// hcportal site: client-side filtering of the columnar data files, with the state in the URL.
// Values are only ever put in the page with textContent, so no account name can become markup.
"use strict";

function decodeColumn(col, n) {
  if (col.values) return col.values;
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = col.dict[col.codes[i]];
  return out;
}

function rowsOf(table) {
  const names = Object.keys(table.columns);
  const cols = names.map((name) => decodeColumn(table.columns[name], table.n));
  const rows = new Array(table.n);
  for (let i = 0; i < table.n; i++) {
    const row = {};
    names.forEach((name, j) => { row[name] = cols[j][i]; });
    rows[i] = row;
  }
  return rows;
}

function readHash() {
  return new URLSearchParams(location.hash.replace(/^#/, ""));
}

function writeHash(params) {
  const text = params.toString();
  history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
}

function setupTable(form) {
  const name = form.dataset.table;
  const table = document.getElementById(name);
  const data = window.HCP && window.HCP.data[name];
  if (!table || !data) return;
  const rows = rowsOf(data);
  const columns = Array.from(table.querySelectorAll("thead th")).map((th) => th.dataset.col);
  const money = new Intl.NumberFormat(undefined, {
    style: "currency", currency: table.dataset.currency || "USD", maximumFractionDigits: 0,
  });
  const selects = Array.from(form.querySelectorAll("select[data-filter]"));

  for (const select of selects) {
    const values = Array.from(new Set(rows.map((r) => r[select.dataset.filter]))).sort();
    for (const v of values) {
      const option = document.createElement("option");
      option.value = v;
      option.textContent = v;
      select.append(option);
    }
  }

  function cell(col, value) {
    const td = document.createElement("td");
    if (col === "amount") { td.textContent = money.format(value || 0); td.className = "num"; }
    else if (col === "occasions") { td.textContent = String(value); td.className = "num"; }
    else if (col === "status") {
      const tag = document.createElement("span");
      tag.className = "status status-" + value;
      tag.textContent = value;
      td.append(tag);
    } else td.textContent = value;
    return td;
  }

  function render() {
    const params = readHash();
    const wanted = [];
    for (const select of selects) {
      const v = params.get(select.name);
      const known = v !== null && Array.from(select.options).some((o) => o.value === v);
      select.value = known ? v : "";
      if (select.value !== "") wanted.push([select.dataset.filter, select.value]);
    }
    const shown = rows.filter((r) => wanted.every(([k, v]) => r[k] === v));
    const body = document.createDocumentFragment();
    for (const r of shown) {
      const tr = document.createElement("tr");
      for (const col of columns) tr.append(cell(col, r[col]));
      body.append(tr);
    }
    table.tBodies[0].replaceChildren(body);
    form.querySelector("output.count").textContent =
      shown.length + " of " + rows.length + " accounts";
  }

  form.addEventListener("change", () => {
    const params = readHash();
    for (const select of selects) {
      if (select.value === "") params.delete(select.name); else params.set(select.name, select.value);
    }
    writeHash(params);
    render();
  });
  form.addEventListener("reset", (event) => {
    event.preventDefault();
    writeHash(new URLSearchParams());
    render();
  });
  window.addEventListener("hashchange", render);
  render();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-table]").forEach(setupTable);
});
