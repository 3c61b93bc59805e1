// The Account Health Map's scores, recomputed in the browser from the survey answers when a
// filter changes. No DOM here (tests/test_healthmap_site.py calls it in Chromium and compares it
// with the transform). The rules arrive as data written by the transform from the same settings
// it scored with (transform/healthmap_rules.py: browser_rules): thresholds, scales, the action
// table. Nothing below restates a number or an action.
"use strict";
window.HCP = window.HCP || { data: {} };

(function (HCP) {
  const SILENT = "Silent";

  // A question as matched: surrounding and repeated spaces and case ignored.
  const fold = (q) => String(q == null ? "" : q).trim().split(/\s+/).join(" ").toLowerCase();

  function scaleOf(rules, question) {
    return rules.question_scales[fold(question)] || rules.scale;
  }

  // (high - low) / responses x 100, computed in the transform's order (the same doubles).
  const net = (high, low, n) => (n > 0 ? ((high - low) / n) * 100 : null);

  function band(rules, score) {
    if (score == null) return SILENT;
    if (score < rules.mid_from) return "Low";
    if (score < rules.high_from) return "Mid";
    return "High";
  }

  function sentiment(p, m, d) {
    if (p + m + d === 0) return "gray";
    if (p > m && p > d) return "green";
    if (d > p && d > m) return "red";
    return "yellow";
  }

  function actions(rules) {
    if (!rules._actions) {
      rules._actions = new Map(rules.actions.map(([s, e, a]) => [s + "|" + e, a]));
    }
    return rules._actions;
  }
  const action = (rules, s, e) => actions(rules).get(s + "|" + e);

  // Which accounts pass the account filters: text in the name, and one value per select.
  function accountsPassing(accounts, view) {
    const n = accounts.n, pass = new Uint8Array(n).fill(1);
    const text = (view.acc || "").trim().toLowerCase();
    if (text) {
      const names = accounts.col("account");
      for (let i = 0; i < n; i++) {
        if (!String(names.get(i)).toLowerCase().includes(text)) pass[i] = 0;
      }
    }
    for (const [name, value] of Object.entries(view.accountFilters || {})) {
      if (!value || !accounts.has(name)) continue;
      const c = accounts.col(name);
      for (let i = 0; i < n; i++) if (pass[i] && c.get(i) !== value) pass[i] = 0;
    }
    return pass;
  }

  // A dictionary column's code of a value (-1: absent; a filter on it then keeps nothing).
  function codeOf(col, value) {
    return col.dict.indexOf(value);
  }

  // A text column as a dictionary: the build sends a tiny one as plain values (cheaper).
  function asDict(col) {
    if (col.kind === "dict") return col;
    const dict = Array.from(new Set(col.values.map(String))).sort();
    const at = new Map(dict.map((v, j) => [v, j]));
    return new HCP.Column(col.name, { dict, codes: col.values.map((v) => at.get(String(v))) });
  }

  // view: {sq, eq, acc, accountFilters: {column: value}, roles: [names] or null (all),
  // qn, wave, from, to (days since 1970, inclusive)}. Returns one row object per account that
  // passes the account filters, in the accounts' (alphabetical) order.
  function compute(accounts, responses, rules, view) {
    const pass = accountsPassing(accounts, view);
    const n = accounts.n;
    const counts = (k) => new Int32Array(n * k);
    const s = counts(3), e = counts(3); // [responses, high, low] per account
    const r = responses;
    const q = asDict(r.col("question")), acc = r.col("acc"), rating = r.col("rating");
    const sq = codeOf(q, view.sq), eq = codeOf(q, view.eq);
    const sScale = scaleOf(rules, view.sq), eScale = scaleOf(rules, view.eq);
    const roleCol = asDict(r.col("role")), qnCol = asDict(r.col("questionnaire"));
    const waveCol = asDict(r.col("wave"));
    const roles = view.roles ? new Set(view.roles.map((v) => codeOf(roleCol, v))) : null;
    const qn = view.qn ? codeOf(qnCol, view.qn) : null;
    const wave = view.wave ? codeOf(waveCol, view.wave) : null;
    const days = r.col("date");
    const from = view.from == null ? null : view.from, to = view.to == null ? null : view.to;
    const qnCodes = qnCol.codes, waveCodes = waveCol.codes;
    for (let i = 0; i < r.n; i++) {
      const code = q.codes[i];
      if (code !== sq && code !== eq) continue;
      const a = acc.values[i];
      if (!pass[a]) continue;
      if (roles && !roles.has(roleCol.codes[i])) continue;
      if (qn !== null && qnCodes[i] !== qn) continue;
      if (wave !== null && waveCodes[i] !== wave) continue;
      const day = days.values[i];
      if (from !== null && (day == null || day < from)) continue;
      if (to !== null && (day == null || day > to)) continue;
      const v = rating.values[i];
      if (v == null) continue; // not a response
      if (code === sq) {
        s[a * 3] += 1;
        if (v >= sScale.high_from) s[a * 3 + 1] += 1;
        else if (v <= sScale.low_to) s[a * 3 + 2] += 1;
      }
      if (code === eq) {
        e[a * 3] += 1;
        if (v >= eScale.high_from) e[a * 3 + 1] += 1;
        else if (v <= eScale.low_to) e[a * 3 + 2] += 1;
      }
    }
    const rows = [];
    const names = accounts.col("account"), keys = accounts.col("account_key");
    const value = accounts.col("account_value");
    const extra = ["owner", "region", "geo", "tier", "industry", "account_manager"].filter((c) => accounts.has(c));
    for (let a = 0; a < n; a++) {
      if (!pass[a]) continue;
      const [sn, sh, sl] = [s[a * 3], s[a * 3 + 1], s[a * 3 + 2]];
      const [en, eh, el] = [e[a * 3], e[a * 3 + 1], e[a * 3 + 2]];
      const successNet = net(sh, sl, sn), experienceNet = net(eh, el, en);
      const sb = band(rules, successNet), eb = band(rules, experienceNet);
      const row = {
        index: a,
        account: names.get(a),
        account_key: keys.get(a),
        account_value: value.get(a),
        success_net: successNet,
        success_responses: sn,
        success_band: sb,
        experience_net: experienceNet,
        experience_responses: en,
        experience_band: eb,
        promoters: sh, passives: sn - sh - sl, detractors: sl,
        sentiment: sentiment(sh, sn - sh - sl, sl),
        action: action(rules, sb, eb),
        success_thin: sn > 0 && sn < rules.min_responses,
        experience_thin: en > 0 && en < rules.min_responses,
      };
      row.thin = row.success_thin || row.experience_thin;
      for (const c of extra) row[c] = accounts.col(c).get(a);
      rows.push(row);
    }
    return rows;
  }

  HCP.healthMap = {
    fold, scaleOf, net, band, sentiment, action, accountsPassing, asDict, compute, SILENT,
  };
})(window.HCP);
