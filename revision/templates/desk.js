"use strict";
// The review desk (revision/desk.py). Corpus text goes into the page as text nodes only.
(function () {
  const DATA = JSON.parse(document.getElementById("desk-data").textContent);
  const ITEMS = DATA.items;
  const STORE = "mtqa-desk:" + DATA.key;
  const FILTERS = [["rule", "rule"], ["category", "category"], ["severity", "severity"], ["lang", "language"], ["doc", "document"]];
  let answers = {};
  try { answers = JSON.parse(localStorage.getItem(STORE) || "{}"); } catch (e) { answers = {}; }
  const history = [];
  const chosen = {};
  let view = ITEMS.slice();
  let current = 0;
  const list = document.getElementById("list");
  const cards = new Map();

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }
  function shown(text) { return text === "" ? "\u2205" : text.replace(/\uE103/g, "\u2B1A"); }
  function save() {
    try { localStorage.setItem(STORE, JSON.stringify(answers)); } catch (e) { /* private mode: kept for this tab */ }
  }

  function buildFilters() {
    const bar = document.getElementById("filters");
    for (const [field, label] of FILTERS) {
      const values = [...new Set(ITEMS.map((i) => i[field]).filter((v) => v !== ""))].sort();
      const select = el("select", { id: "filter-" + field, "aria-label": label });
      select.append(el("option", { value: "" }, "every " + label));
      for (const v of values) select.append(el("option", { value: v }, v));
      select.addEventListener("change", () => { chosen[field] = select.value; applyFilters(); });
      bar.append(el("label", {}, label + " ", select));
    }
    const pending = el("input", { type: "checkbox", id: "filter-pending" });
    pending.addEventListener("change", () => { chosen.pending = pending.checked; applyFilters(); });
    bar.append(el("label", {}, pending, " only undecided"));
  }

  function card(item) {
    const node = el("section", { class: "item " + item.severity, id: "f-" + item.id, tabindex: "-1" });
    node.append(el("div", { class: "head" }, item.doc + " \u00b7 ", el("code", {}, item.rule), " \u00b7 " + item.severity + " " + item.category,
      el("span", { class: "decision" })));
    if (item.source) node.append(el("div", { class: "source" }, el("b", {}, "source: "), item.source));
    node.append(el("div", { class: "target" }, shown(item.before), el("mark", {}, shown(item.text)), shown(item.after)));
    node.append(el("div", { class: "sugg" }, "Suggestion: ", el("del", {}, shown(item.text)), " \u2192 ", el("ins", {}, shown(item.suggestion))));
    node.append(el("div", { class: "msg" }, item.message));
    const actions = el("div", { class: "actions" });
    for (const [key, label, what] of [["a", "Accept", "accept"], ["r", "Reject", "reject"], ["e", "Edit", "edit"], ["x", "Not an error", "not_an_error"]]) {
      const button = el("button", { type: "button", "data-do": what }, label + " (" + key + ")");
      button.addEventListener("click", () => { select(view.indexOf(item)); act(what); });
      actions.append(button);
    }
    node.append(actions);
    node.addEventListener("click", () => { const at = view.indexOf(item); if (at >= 0 && at !== current) select(at, false); });
    return node;
  }

  function paint(item) {
    const node = cards.get(item.id);
    const answer = answers[item.id];
    const badge = node.querySelector(".decision");
    node.classList.toggle("decided", Boolean(answer));
    badge.className = "decision" + (answer ? " " + answer.decision : "");
    badge.textContent = answer ? "  \u2714 " + answer.decision.replace(/_/g, " ") + (answer.decision === "edit" ? ": " + answer.replacement : "") : "";
  }

  function applyFilters() {
    const keep = (i) => FILTERS.every(([f]) => !chosen[f] || i[f] === chosen[f]) && !(chosen.pending && answers[i.id]);
    view = ITEMS.filter(keep);
    for (const item of ITEMS) cards.get(item.id).hidden = !view.includes(item);
    current = Math.min(current, Math.max(view.length - 1, 0));
    select(current, false);
  }

  function progress() {
    const done = ITEMS.filter((i) => answers[i.id]).length;
    document.getElementById("progress").textContent = done + " of " + ITEMS.length + " decided" +
      (view.length !== ITEMS.length ? " \u00b7 " + view.length + " shown" : "");
  }

  function select(index, scroll = true) {
    for (const node of list.querySelectorAll(".current")) node.classList.remove("current");
    current = index;
    const item = view[current];
    if (item) {
      const node = cards.get(item.id);
      node.classList.add("current");
      if (scroll) node.scrollIntoView({ block: "center" });
    }
    progress();
  }

  function next() {
    for (let k = current + 1; k < view.length; k++) if (!answers[view[k].id]) return select(k);
    if (current + 1 < view.length) select(current + 1);
  }

  function decide(item, decision, replacement) {
    history.push([item.id, answers[item.id]]);
    answers[item.id] = decision === "edit" ? { decision, replacement } : { decision };
    save();
    paint(item);
    next();
    progress();
  }

  function act(what) {
    const item = view[current];
    if (!item) return;
    if (what !== "edit") return decide(item, what);
    const node = cards.get(item.id);
    if (node.querySelector(".edit")) return;
    const input = el("input", { type: "text", "aria-label": "replacement" });
    input.value = answers[item.id] && answers[item.id].replacement || item.suggestion;
    const form = el("form", { class: "edit" }, "Replace with: ", input, " ", el("button", { type: "submit" }, "Save (Enter)"));
    form.addEventListener("submit", (event) => { event.preventDefault(); form.remove(); decide(item, "edit", input.value); });
    input.addEventListener("keydown", (event) => { if (event.key === "Escape") { form.remove(); node.focus(); } event.stopPropagation(); });
    node.querySelector(".actions").append(form);
    input.focus();
    input.select();
  }

  function undo() {
    const last = history.pop();
    if (!last) return;
    const [id, before] = last;
    if (before) answers[id] = before; else delete answers[id];
    save();
    const item = ITEMS.find((i) => i.id === id);
    paint(item);
    const at = view.indexOf(item);
    if (at >= 0) select(at);
    progress();
  }

  // A cell a spreadsheet could read as a formula gets a leading apostrophe (only the columns shown
  // for information: id, decision and replacement are what `mtqa apply` reads, and go as typed).
  function cell(value, informative) {
    let text = value === null || value === undefined ? "" : String(value);
    if (informative && /^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return '"' + text.replace(/"/g, '""') + '"';
  }

  function exportCsv() {
    const lines = [DATA.fields.join(",")];
    for (const item of ITEMS) {
      const answer = answers[item.id];
      if (!answer) continue;
      const row = {
        id: item.id, doc_id: item.doc, rule: item.rule, severity: item.severity, category: item.category, text: item.text,
        suggestion: item.suggestion, context: (item.before + "[[" + item.text + "]]" + item.after).replace(/\n/g, " "),
        message: item.message, decision: answer.decision, replacement: answer.decision === "edit" ? answer.replacement : "",
      };
      lines.push(DATA.fields.map((f) => cell(row[f], !["id", "decision", "replacement"].includes(f))).join(","));
    }
    const blob = new Blob([lines.join("\n") + "\n"], { type: "text/csv;charset=utf-8" });
    const link = el("a", { href: URL.createObjectURL(blob), download: "decisions.csv" });
    document.body.append(link);
    link.click();
    link.remove();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
    const keys = { j: () => select(Math.min(current + 1, view.length - 1)), k: () => select(Math.max(current - 1, 0)),
      a: () => act("accept"), r: () => act("reject"), e: () => act("edit"), x: () => act("not_an_error"), u: undo };
    if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
  });
  document.getElementById("export").addEventListener("click", exportCsv);

  buildFilters();
  for (const item of ITEMS) { const node = card(item); cards.set(item.id, node); list.append(node); paint(item); }
  if (!ITEMS.length) list.append(el("p", {}, "Nothing waits for a person: every finding with a suggestion is decided."));
  const first = ITEMS.findIndex((i) => !answers[i.id]);
  select(first >= 0 ? first : 0, false);
})();
