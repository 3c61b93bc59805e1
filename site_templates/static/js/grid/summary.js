// What a table says about its rows, in words: the summary above it, each group's heading, the
// line a printout starts with. Text only (HCP.fmt formats the numbers); the page puts it in
// place as text.
"use strict";

(function (HCP) {
  const fmt = HCP.fmt;
  const singular = (noun) => noun.replace(/s$/, "");

  const counted = (count, noun) => fmt.number(count) + " " + (count === 1 ? singular(noun) : noun);
  // "contract amount USD 1,234", or the amount alone when the page names no label.
  const amount = (total, label) => (label ? label + " " : "") + fmt.money(total);

  // Every count names what it counts: "12 of 40 occasions · 3 overdue occasions · 9 pending
  // occasions · contract amount USD 1,234". tallies: [[value, count], ...] (the values with no
  // row are left out); total: the sum of the table's sum column, or null; label: what it sums.
  function line(rows, n, noun, tallies, total, label) {
    const parts = [fmt.number(rows) + " of " + fmt.number(n) + " " + noun];
    for (const [value, count] of tallies || []) {
      if (count) parts.push(fmt.number(count) + " " + value + " " + (count === 1 ? singular(noun) : noun));
    }
    if (total != null) parts.push(amount(total, label));
    return parts.join(" · ");
  }

  // A group's heading beside its value: "3 occasions · USD 12,000" ("1 occasion").
  function groupLine(count, noun, sum, label) {
    return counted(count, noun) + (sum != null ? " · " + amount(sum, label) : "");
  }

  // What to say when no row is shown: the table is empty, or the filters left nothing.
  const empty = (n, noun) => (n ? "No " + noun + " match these filters." : "No " + noun + ".");

  // The printout's first line. active: ["Status: overdue", ...]; sorted: [[label, dir], ...];
  // printed: how many rows the printout holds when it cannot hold them all, else null.
  function printLine(active, sorted, printed, rows) {
    let text = (active.length ? "Filters: " + active.join("; ") : "No filters") +
      (sorted.length ? ". Sorted by " + sorted.map(([l, d]) => l + (d === "asc" ? " ↑" : " ↓")).join(", ") : "") + ".";
    if (printed != null) {
      text += " This printout holds the first " + fmt.number(printed) + " of " + fmt.number(rows) +
        " rows; filter to print the others.";
    }
    return text;
  }

  HCP.summary = { line, groupLine, empty, printLine };
})(window.HCP);
