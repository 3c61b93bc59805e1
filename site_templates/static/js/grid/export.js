// Export: the rows shown, in the order shown, as CSV (UTF-8 with a BOM, safe from formula
// injection) or Excel (typed numbers and dates, via the vendored write-excel-file, loaded on
// the first Excel download so that a page view never pays for it).
"use strict";

(function (HCP) {
  // One cell's value for a file: {t: "s" text, "n" number, "d" date, "b" yes/no, v: value};
  // v is null for a blank.
  function cell(c, i) {
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

  // Every column (the hidden, export-only ones too) of the rows in items; group headings
  // (negative items) are left out.
  function cells(columns, items) {
    const header = columns.map((c) => c.label);
    const rows = [];
    for (const item of items) {
      if (item < 0) continue;
      rows.push(columns.map((c) => cell(c, item)));
    }
    return { header, rows };
  }

  // A text a spreadsheet would run as a formula (= + - @, or a tab or CR, after any spaces it
  // trims) gets a leading apostrophe: OWASP's advice for CSV injection, the rule the transform's
  // own CSV files follow (hcportal/core/safecsv.py). Excel files get it too, so a sheet saved
  // again as CSV stays safe.
  function safeText(value) {
    const text = String(value);
    return /^'*(?:[\t\r]|[\s\x0b\x1c-\x1f\x85]*[=+\-@])/.test(text) ? "'" + text : text;
  }

  function csv({ header, rows }) {
    // Excel opens a CSV as UTF-8 only with a BOM.
    const text = (s) => {
      const out = safeText(s);
      return /[",\r\n]/.test(out) || /^\s|\s$/.test(out) ? '"' + out.replace(/"/g, '""') + '"' : out;
    };
    const value = (c) => {
      if (c.v == null) return "";
      if (c.t === "n") return String(c.v);
      if (c.t === "b") return c.v ? "yes" : "no"; // as the screen says it
      if (c.t === "d") return c.v;
      return text(c.v);
    };
    const lines = [header.map(text).join(",")];
    for (const r of rows) lines.push(r.map(value).join(","));
    return "\uFEFF" + lines.join("\r\n") + "\r\n";
  }

  async function xlsx({ header, rows }, columns, sheet) {
    if (!window.writeXlsxFile) await HCP.load(document.documentElement.dataset.xlsx);
    const data = [header.map((h) => ({ value: h, fontWeight: "bold" }))];
    for (const r of rows) {
      data.push(r.map((c) => {
        if (c.v == null) return null;
        if (c.t === "n") {
          const format = c.type === "percent" ? "0%" : c.type === "money" ? "#,##0" : undefined;
          return { type: Number, value: c.v, format };
        }
        if (c.t === "b") return { type: String, value: c.v ? "yes" : "no" }; // as on screen
        if (c.t === "d") return { type: Date, value: c.at, format: c.time ? "yyyy-mm-dd hh:mm" : "yyyy-mm-dd" };
        return { type: String, value: safeText(c.v) };
      }));
    }
    const widths = columns.map((c) => ({ width: HCP.cells.numeric(c.type) ? 14 : 24 }));
    const name = sheet || "Sheet1";
    // A named sheet, its header row frozen, an autofilter on the header over every row.
    return window.writeXlsxFile(data, { columns: widths, stickyRowsCount: 1, sheet: name },
      { features: [autoFilter(name, header.length, data.length)] }).toBlob();
  }

  // Column 1 -> A, 27 -> AA: a spreadsheet's column letters.
  function columnLetters(n) {
    let out = "";
    for (; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
    return out;
  }

  const xmlText = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

  // An autofilter over the first sheet's columns x rows (the header row first). write-excel-file
  // has no option for it (none in 4.1.1, its latest); its "features" hook (its README,
  // "Features") lets a caller transform the XML it writes, which is what this does, as Excel
  // itself writes a filter: <autoFilter ref="A1:H40"/> just after <sheetData> (ECMA-376's
  // order: nothing this export writes lies between them), and the hidden defined name
  // _xlnm._FilterDatabase over the same cells in workbook.xml, without which Excel may drop it.
  function autoFilter(sheet, columns, rows) {
    const last = columnLetters(Math.max(1, columns));
    const ref = "A1:" + last + Math.max(1, rows);
    // 'Sheet name'!$A$1:$H$40, an apostrophe in the name doubled; then escaped for XML.
    const range = "'" + String(sheet).replace(/'/g, "''") + "'!$A$1:$" + last + "$" + Math.max(1, rows);
    const name = '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">' + xmlText(range) + "</definedName>";
    return { files: { transform: {
      "xl/worksheets/sheet{id}.xml": {
        transform(xml, options, where) {
          if ((where && where.sheetIndex) || /<autoFilter\b/.test(xml)) return xml;
          const filter = '<autoFilter ref="' + ref + '"/>';
          if (xml.includes("</sheetData>")) return xml.replace("</sheetData>", "</sheetData>" + filter);
          return xml.replace(/<sheetData\s*\/>/, (m) => m + filter);
        },
      },
      "xl/workbook.xml": {
        transform(xml) {
          if (/_xlnm\._FilterDatabase/.test(xml)) return xml;
          if (/<definedNames>/.test(xml)) return xml.replace("</definedNames>", name + "</definedNames>");
          if (/<definedNames\s*\/>/.test(xml)) return xml.replace(/<definedNames\s*\/>/, "<definedNames>" + name + "</definedNames>");
          // <definedNames> follows <sheets> (and comes before <calcPr>).
          return xml.replace("</sheets>", "</sheets><definedNames>" + name + "</definedNames>");
        },
      },
    } } };
  }

  // targets-2026-11-23.csv; with a tag (the X-Ray's account, the filters):
  // xray-timeline-acme-rail-2026-11-23.xlsx
  const fileName = (name, tag, ext) =>
    name + (tag ? "-" + tag : "") + (HCP.asOf ? "-" + HCP.asOf : "") + "." + ext;

  // A value as part of a file's name: lower case, letters and digits of any script, dashes.
  const namePart = (v) => String(v).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 40);

  HCP.exporting = { cell, cells, csv, xlsx, fileName, namePart, safeText, columnLetters };
  HCP.safeText = safeText;
})(window.HCP);
