// hcportal site core: the columnar tables, URL state, formatting and small DOM helpers.
// Plain scripts (no modules): ES modules do not load from file://, and the site must.
// Values are only ever put in the page as text (textContent, append(string)): a name from a
// report can never become markup.
"use strict";
window.HCP = window.HCP || { data: {} };

(function (HCP) {
  const html = document.documentElement;
  HCP.root = html.dataset.root || "";
  HCP.asOf = html.dataset.asOf || "";
  HCP.currency = html.dataset.currency || "USD";

  // -- tables ---------------------------------------------------------------------------------
  // Small dictionaries send one character per code (render/datafiles.py: ALPHABET).
  const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  const CODE = new Int32Array(128).fill(-1);
  for (let j = 0; j < ALPHABET.length; j++) CODE[ALPHABET.charCodeAt(j)] = j;
  function decodeChars(text) {
    const out = new Int32Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = CODE[text.charCodeAt(i)];
    return out;
  }

  // A column is one of: dict (sorted dictionary + codes: the code is the rank), values (text,
  // numbers, booleans, null), days or minutes since 1970-01-01 (see render/datafiles.py).
  class Column {
    constructor(name, spec) {
      this.name = name;
      this.slugs = spec.slugs || null;
      this.keys = spec.keys || null;
      this.low = null; // lowered(), made when asked: declared here, so every column keeps one shape
      if (spec.dict) {
        this.kind = "dict";
        this.dict = spec.dict;
        this.codes = spec.codes instanceof Int32Array ? spec.codes
          : spec.chars != null ? decodeChars(spec.chars) : Int32Array.from(spec.codes);
      } else if (spec.days) {
        this.kind = "days";
        this.values = spec.days;
      } else if (spec.minutes) {
        this.kind = "minutes";
        this.values = spec.minutes;
      } else {
        this.kind = "values";
        this.values = spec.values || [];
      }
    }
    get(i) {
      return this.kind === "dict" ? this.dict[this.codes[i]] : this.values[i];
    }
    slug(i) {
      return this.slugs ? this.slugs[this.codes[i]] : null;
    }
    key(i) {
      return this.keys ? this.keys[this.codes[i]] : null;
    }
    // The values as lower-case text ("" for none), made once: sorting and search compare them.
    lowered() {
      if (!this.low) this.low = this.values.map((v) => (v == null ? "" : String(v).toLowerCase()));
      return this.low;
    }
    // The same column for some rows only (an account's X-Ray).
    pick(rows) {
      if (this.kind === "dict") {
        const codes = new Int32Array(rows.length);
        rows.forEach((r, j) => { codes[j] = this.codes[r]; });
        return new Column(this.name, { dict: this.dict, codes, slugs: this.slugs, keys: this.keys });
      }
      const spec = {};
      spec[this.kind] = rows.map((r) => this.values[r]);
      return new Column(this.name, spec);
    }
  }

  class Table {
    constructor(payload) {
      this.n = payload ? payload.n : 0;
      this.columns = new Map();
      if (payload) {
        for (const [name, spec] of Object.entries(payload.columns)) {
          this.columns.set(name, new Column(name, spec));
        }
      }
    }
    has(name) { return this.columns.has(name); }
    col(name) {
      const c = this.columns.get(name);
      if (!c) throw new Error("no column " + name);
      return c;
    }
    pick(rows) {
      const t = new Table(null);
      t.n = rows.length;
      for (const [name, c] of this.columns) t.columns.set(name, c.pick(rows));
      return t;
    }
    // Rows whose `name` equals `value`, in order.
    where(name, value) {
      const c = this.col(name), rows = [];
      if (c.kind === "dict") {
        const code = c.dict.indexOf(value);
        if (code < 0) return rows;
        for (let i = 0; i < this.n; i++) if (c.codes[i] === code) rows.push(i);
      } else {
        for (let i = 0; i < this.n; i++) if (c.values[i] === value) rows.push(i);
      }
      return rows;
    }
    // A table made in the page (the X-Ray timeline): {name: {kind: [...]}} like the files.
    static of(n, columns) {
      return new Table({ n, columns });
    }
  }
  HCP.Column = Column;
  HCP.Table = Table;

  // -- URL state: everything a page shows is in the fragment, so a link restores it -------------
  // The fragment (not the query) because it works on every static host and from file://.
  HCP.state = {
    read() {
      return new URLSearchParams(location.hash.replace(/^#/, ""));
    },
    write(params) {
      const text = params.toString();
      history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
    },
  };

  // -- formatting -----------------------------------------------------------------------------
  const DAY = 86400000;
  // One money format on every page, the same as the templates' (render/formats.py: money):
  // the currency's code, a no-break space, whole units grouped by thousands ("USD 11,314,500").
  // A fixed locale, so that a number reads the same in every browser, in exports and on paper.
  const number = new Intl.NumberFormat("en-US");
  const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  const short = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
  const coded = (text, v) => (Math.round(v) < 0 ? "-" : "") + HCP.currency + "\u00a0" + text;
  const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 0 });
  HCP.fmt = {
    money: (v) => (v == null || Number.isNaN(v) ? "" : coded(whole.format(Math.abs(v)), v)),
    compact: (v) => (v == null || Number.isNaN(v) ? "" : coded(short.format(Math.abs(v)), v)),
    number: (v) => (v == null ? "" : number.format(v)),
    percent: (v) => (v == null ? "" : percent.format(v)),
    // ISO dates and times, as the CSV files have them: unambiguous in every locale.
    day: (days) => (days == null ? "" : new Date(days * DAY).toISOString().slice(0, 10)),
    // A timestamp at midnight is a date (a contract's start in a timeline of activities).
    minute: (m) => (m == null ? "" : m % 1440 === 0 ? HCP.fmt.day(m / 1440)
      : new Date(m * 60000).toISOString().slice(0, 16).replace("T", " ")),
    time(col, i) {
      const v = col.get(i);
      return col.kind === "minutes" ? HCP.fmt.minute(v) : HCP.fmt.day(v);
    },
  };

  // -- DOM ------------------------------------------------------------------------------------
  // el("a", {href, class, text}, child...): attributes are set as attributes, text as text.
  HCP.el = function (tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "text") e.textContent = v;
      else if (k === "class") e.className = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  };

  HCP.pageOf = (folder, slug) => HCP.root + folder + "/" + slug + ".html";
  HCP.xrayOf = (key) => HCP.root + "xray.html#account=" + encodeURIComponent(key);
  // An account's record in the CRM (render's crm_account_url: the profile's account_url), or
  // null when the site has no such address.
  HCP.crmOf = (name) => (html.dataset.crmAccount && name
    ? html.dataset.crmAccount.split("{account}").join(encodeURIComponent(String(name))) : null);

  // Load a script beside the pages (allowed by the CSP's script-src 'self', also from file://).
  HCP.load = function (src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error("cannot load " + src));
      document.head.append(s);
    });
  };

  // Each account's health-check pack (render/packs.py rewrites static/js/packs.js in every site
  // folder with that folder's packs; the copy the site ships is an empty map). HCP.packsReady()
  // loads it once, on the first page part that asks (a page without grids or X-Ray never does),
  // and resolves when it is loaded; HCP.packOf(key) is then the deck's address, or null.
  let packsLoaded = null;
  HCP.packsReady = () =>
    packsLoaded || (packsLoaded = HCP.load(HCP.root + "static/js/packs.js").catch(() => {}));
  HCP.packOf = (key) => {
    const packs = window.HCP_PACKS || {};
    return key && Object.prototype.hasOwnProperty.call(packs, key) ? HCP.root + packs[key] : null;
  };

  // The X-Ray file an account lives in: FNV-1a of the key's UTF-8, as render/shards.py computes.
  HCP.bucket = function (key, buckets) {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(key)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h % buckets;
  };

  HCP.download = function (blob, name) {
    const url = URL.createObjectURL(blob);
    const a = HCP.el("a", { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  };

  // A plain table's cells carry their column's label, which a phone's card layout shows beside
  // each value (static/app.css): every table of every page, with no template to remember it.
  HCP.labelCells = function (root) {
    for (const table of (root || document).querySelectorAll("table.plain")) {
      const head = table.tHead && table.tHead.rows[0];
      if (!head) continue;
      const labels = Array.from(head.cells, (th) => th.textContent.trim());
      for (const body of table.tBodies) {
        for (const tr of body.rows) {
          Array.from(tr.cells).forEach((cell, j) => { if (labels[j]) cell.dataset.label = labels[j]; });
        }
      }
    }
  };
  document.addEventListener("DOMContentLoaded", () => HCP.labelCells());

  // The skip link moves focus without touching the fragment, which holds the page's state.
  document.addEventListener("click", (event) => {
    const a = event.target.closest && event.target.closest("a.skip");
    if (!a) return;
    event.preventDefault();
    const main = document.getElementById("main");
    main.focus();
    main.scrollIntoView();
  });
})(window.HCP);
