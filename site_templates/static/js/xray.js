// The account X-Ray: one page for every account. The account key is in the URL
// (xray.html#account=<key>); the page loads the one data file that holds it
// (data/xray/<bucket>.<hash>.js) and shows its occasions, checks, contracts, pipeline and timeline
// (the transform's events: every dated record of every report, with its report and line).
"use strict";

(function (HCP) {
  const DAY_MINUTES = 1440;
  let shown; // the account on screen (undefined: none yet)
  const grids = new Map();

  function say(root, text) {
    root.querySelector(".xray-status").textContent = text;
    root.querySelector(".xray-status").hidden = !text;
  }

  function link(folder, col, i) {
    const slug = col.slug(i);
    const text = String(col.get(i));
    return slug ? HCP.el("a", { href: HCP.pageOf(folder, slug), text }) : document.createTextNode(text);
  }

  // The health-check windows of the account as bars along its time span (first to last event),
  // one row per occasion, coloured by status; positions set through the CSSOM (the site's
  // CSP allows no inline style attribute).
  function windows(root, t, occs, evs) {
    const track = root.querySelector("[data-windows]");
    const figure = track.closest("figure");
    const o = t.occasions, e = t.events;
    const day = (col, i) => {
      const v = col.get(i);
      return v == null ? null : col.kind === "minutes" ? v / DAY_MINUTES : v;
    };
    const times = [];
    for (const i of evs) times.push(day(e.col("when"), i));
    for (const i of occs) times.push(day(o.col("window_start"), i), day(o.col("window_end"), i));
    const known = times.filter((v) => v != null);
    figure.hidden = !occs.length || !known.length;
    track.replaceChildren();
    if (figure.hidden) return;
    const from = Math.min(...known), to = Math.max(...known), span = Math.max(to - from, 1);
    const pct = (v) => (100 * (v - from)) / span + "%";
    for (const i of occs) {
      const start = day(o.col("window_start"), i), end = day(o.col("window_end"), i);
      if (start == null || end == null) continue;
      const status = String(o.col("status").get(i));
      const label = o.col("label").get(i) + " (" + o.col("product").get(i) + "): " + status +
        ", window " + HCP.fmt.time(o.col("window_start"), i) + " to " + HCP.fmt.time(o.col("window_end"), i);
      const bar = HCP.el("span", { class: "hc-window status-" + status.replace(/[^a-z]/g, ""), title: label });
      bar.setAttribute("role", "img");
      bar.setAttribute("aria-label", label);
      bar.style.left = pct(start);
      bar.style.width = Math.max((100 * (end - start)) / span, 0.5) + "%";
      track.append(HCP.el("div", { class: "hc-window-row" }, bar));
    }
    const when = (v) => new Date(v * 86400000).toISOString().slice(0, 10);
    root.querySelector('[data-scale="from"]').textContent = when(from);
    root.querySelector('[data-scale="to"]').textContent = when(to);
  }

  // The ids the account is known by in each report (case numbers, invoice numbers, contacts).
  function knownAs(t, key) {
    const parts = [];
    if (!t.ids) return parts;
    for (const i of t.ids.where("account_key", key)) {
      const list = String(t.ids.col("ids").get(i)).split(", ");
      const shown = list.slice(0, 6).join(", ") + (list.length > 6 ? " … (" + HCP.fmt.number(list.length) + ")" : "");
      parts.push(HCP.el("div", { text: t.ids.col("source").get(i) + " " + t.ids.col("what").get(i) + ": " + shown }));
    }
    return parts;
  }

  // The health score: the score (or the state that stands instead of one) among the facts, each
  // measure's share of it, and the tone of the account's texts.
  function showHealth(root, t, key) {
    const fact = root.querySelector('[data-fact="health"]');
    const h = t.health, rows = h.where("account_key", key);
    if (fact && rows.length) {
      const i = rows[0], state = h.col("state").get(i);
      const coverage = HCP.fmt.percent(h.col("coverage").get(i)) + " of the scorecard had data";
      const change = h.col("change").get(i);
      fact.textContent = state !== "scored"
        ? (state === "silent" ? "Silent" : "Insufficient signal") + " (no score; " + coverage + ")"
        : HCP.fmt.number(h.col("score").get(i)) + " · " + h.col("band").get(i) + " · " + coverage +
          (change == null ? "" : " · change " + HCP.fmt.number(change) +
            (h.col("change_cause").get(i) ? " (" + h.col("change_cause").get(i) + ")" : ""));
    }
    showGrid(root, "s.", t.measures.pick(t.measures.where("account_key", key)), key);
    showGrid(root, "x.", t.texts.pick(t.texts.where("account_key", key)), key);
  }

  // The account key as a file-name part (xray-timeline-acme-rail-<as of>.xlsx), so two
  // accounts' downloads do not overwrite each other: letters and digits of any script kept.
  const fileTag = (key) => key.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 60);

  function showGrid(root, prefix, table, key) {
    const section = root.querySelector('section[data-state-prefix="' + prefix + '"]');
    if (!section) return;
    section.hidden = false;
    if (!grids.has(prefix)) grids.set(prefix, new HCP.Grid(section, table));
    else grids.get(prefix).setTable(table);
    grids.get(prefix).exportTag = fileTag(key);
  }

  // The page as built, before any account: put back whenever the account changes, so an
  // unknown or absent account never leaves the previous one's name on screen.
  let blank;

  // No account asked: the index of every account, searchable (loaded only now: at 100,000
  // accounts it is the largest file an X-Ray could need, and an account's X-Ray does not).
  async function findAccount(root) {
    const file = root.dataset.accounts;
    const section = root.querySelector('section[data-state-prefix="a."]');
    if (!file || !section) return;
    try {
      if (!HCP.data.accounts) await HCP.load(HCP.root + file);
    } catch (e) {
      say(root, "The list of accounts cannot be loaded (" + e.message + ").");
      return;
    }
    if (HCP.state.read().get("account")) return; // an account was opened meanwhile
    section.hidden = false;
    if (!grids.has("a.")) grids.set("a.", new HCP.Grid(section, new HCP.Table(HCP.data.accounts)));
    else grids.get("a.").apply();
  }

  async function show(root) {
    const key = HCP.state.read().get("account");
    if (key === shown) return;
    shown = key;
    const status = root.querySelector(".xray-status");
    if (!blank) {
      blank = { heading: root.querySelector("#xray-title").textContent, title: document.title,
        prompt: Array.from(status.childNodes, (n) => n.cloneNode(true)) };
    }
    root.querySelector("#xray-title").textContent = blank.heading;
    document.title = blank.title;
    for (const s of root.querySelectorAll("section[data-grid], section[data-journey]")) s.hidden = true;
    root.querySelector(".facts").hidden = true;
    if (!key) {
      status.replaceChildren(...blank.prompt.map((n) => n.cloneNode(true)));
      status.hidden = false;
      await findAccount(root);
      return HCP.ready();
    }
    const bucket = HCP.bucket(key, Number(root.dataset.buckets));
    const name = "xray/" + bucket;
    say(root, "Loading…");
    try {
      // Data files are named by their content's hash: the page lists its buckets' files.
      if (!HCP.data[name]) await HCP.load(HCP.root + "data/" + root.dataset.files.split(" ")[bucket]);
      if (key !== shown) return; // the hash moved on while the file loaded: that call shows it
    } catch (e) {
      if (key !== shown) return;
      say(root, "The data of this account cannot be loaded (" + e.message + ").");
      return HCP.ready();
    }
    const t = {};
    for (const [k, payload] of Object.entries(HCP.data[name])) t[k] = new HCP.Table(payload);
    const found = t.accounts.where("account_key", key);
    if (!found.length) {
      say(root, "No account with the key “" + key + "” in this site.");
      return HCP.ready();
    }
    const i = found[0], acc = t.accounts;
    const account = String(acc.col("account").get(i));
    root.querySelector("#xray-title").textContent = account;
    document.title = account + " · X-Ray · " + blank.title.split(" · ").pop();
    const facts = root.querySelector(".facts");
    facts.querySelector('[data-fact="owner"]').replaceChildren(link("owners", acc.col("owner"), i));
    facts.querySelector('[data-fact="geo"]').textContent = acc.col("geo").get(i);
    facts.querySelector('[data-fact="region"]').replaceChildren(link("regions", acc.col("region"), i));
    const crm = HCP.crmOf(account);
    facts.querySelector("[data-crm-fact]").hidden = !crm;
    facts.querySelector('[data-fact="crm"]').replaceChildren(crm
      ? HCP.el("a", { href: crm, target: "_blank", rel: "noopener", text: "Open the account to log a check" }) : "");

    HCP.packsReady().then(() => {
      // The account's health-check pack, when the nightly run made one (a check is due soon).
      facts.querySelector("[data-pack-fact]")?.remove();
      const pack = HCP.packOf(key);
      if (!pack) return;
      facts.append(HCP.el("div", { "data-pack-fact": true },
        HCP.el("dt", { text: "Health-check pack" }),
        HCP.el("dd", {}, HCP.el("a", { href: pack, download: "", text: "Download the deck (PowerPoint)" }))));
    });

    const cons = t.contracts.where("account_key", key);
    const occs = t.occasions.where("account_key", key);
    const acts = t.activities.where("account_key", key);
    const checks = acts.filter((r) => t.activities.col("is_hc").get(r));
    const open = occs.filter((r) => ["overdue", "pending", "upcoming"].includes(t.occasions.col("status").get(r)));
    facts.querySelector('[data-fact="contracts"]').textContent = HCP.fmt.number(cons.length);
    facts.querySelector('[data-fact="occasions"]').textContent =
      HCP.fmt.number(occs.length) + " occasions, " + HCP.fmt.number(open.length) + " due now or soon";
    const ids = knownAs(t, key);
    facts.querySelector('[data-fact="ids"]').replaceChildren(...ids);
    facts.querySelector('[data-fact="ids"]').parentElement.hidden = !ids.length;
    facts.hidden = false;
    say(root, "");

    showGrid(root, "o.", t.occasions.pick(occs), key);
    showGrid(root, "h.", t.activities.pick(checks), key);
    showGrid(root, "c.", t.contracts.pick(cons), key);
    if (t.pipeline) showGrid(root, "p.", t.pipeline.pick(t.pipeline.where("account_key", key)), key);
    if (t.roles) showGrid(root, "r.", t.roles.pick(t.roles.where("account_key", key)), key);
    if (t.contacts) showGrid(root, "v.", t.contacts.pick(t.contacts.where("account_key", key)), key);
    const evs = t.events.where("account_key", key);
    windows(root, t, occs, evs);
    showGrid(root, "t.", t.events.pick(evs), key);
    if (t.health) showHealth(root, t, key);
    if (t.journey) journey(root, t, key);
    HCP.ready();
  }

  // The account's path against the common ones: how many stages of each it shares from the start.
  function journey(root, t, key) {
    const section = root.querySelector("[data-journey]");
    if (!section) return;
    const found = t.journey.where("account_key", key);
    if (!found.length) return;
    const i = found[0];
    const own = String(t.journey.col("path").get(i)).split(" > ");
    section.querySelector("[data-own-path]").replaceChildren(...own.map((s) => HCP.el("li", { text: s })));
    const term = t.journey.col("terminal").get(i);
    section.querySelector("[data-journey-end]").textContent = term
      ? "It ended in " + term + " on " + HCP.fmt.time(t.journey.col("terminal_date"), i) + ", after " + t.journey.col("last_stage").get(i) + "."
      : "Its journey goes on: last new stage " + t.journey.col("last_stage").get(i) + ".";
    for (const li of section.querySelectorAll("[data-common-path]")) {
      const common = li.dataset.commonPath.split(" > ");
      let shared = 0;
      while (shared < own.length && shared < common.length && own[shared] === common[shared]) shared++;
      li.querySelectorAll(".journey-path li").forEach((s, k) => s.classList.toggle("shared", k < shared));
      li.querySelector("[data-shared]").textContent = shared === common.length && shared === own.length
        ? "· this account's path" : "· shares its first " + shared + " of " + common.length + " stages";
    }
    section.hidden = false;
    showGrid(root, "j.", t.journey_cases.pick(t.journey_cases.where("account_key", key)), key);
  }

  // A measure's link: the timeline shows exactly the events it read. The timeline's other
  // filters and search are cleared (they would hide some), the measure's filter set, and the
  // URL changed (hashchange redraws every table from it, and Back undoes it).
  function followFilterLink(root, e) {
    const a = e.target.closest("a[data-filter-link]");
    if (!a || !root.contains(a)) return;
    const prefix = a.dataset.filterLink;
    const grid = grids.get(prefix);
    const section = root.querySelector('section[data-state-prefix="' + prefix + '"]');
    if (!grid || !section) return;
    e.preventDefault();
    const p = HCP.gridState.clear(HCP.state.read(), grid.spec);
    p.set(prefix + a.dataset.param, a.dataset.value);
    location.hash = p.toString();
    section.scrollIntoView({ block: "start" });
    const heading = section.querySelector("h2");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.querySelector("[data-xray]");
    if (!root) return;
    root.addEventListener("click", (e) => followFilterLink(root, e));
    show(root);
    window.addEventListener("hashchange", () => show(root));
  });
})(window.HCP);
