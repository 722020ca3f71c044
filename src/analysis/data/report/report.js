/* The run report's script (analysis.report.site): charts through vega-embed, tables paged,
   sorted and filtered, and document cards. Text from the corpus is only ever set with
   textContent: it never becomes markup. */
(function () {
  "use strict";
  const PAGE = 20;
  const read = (key) => JSON.parse(document.getElementById("data-" + key).textContent);
  const docs = read("docs");
  const known = (id) => typeof id === "string" && Object.prototype.hasOwnProperty.call(docs, id);

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function format(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") {
      if (Number.isInteger(value)) return value.toLocaleString("en-US");
      const size = Math.abs(value);
      return size >= 100 ? value.toFixed(1) : size >= 1 ? value.toFixed(2) : value.toPrecision(3);
    }
    return String(value);
  }

  function showDoc(id) {
    const card = docs[id];
    const panel = document.getElementById("doc-panel");
    panel.replaceChildren();
    const close = el("button", "Close");
    close.addEventListener("click", () => { panel.hidden = true; });
    panel.append(close, el("h3", card.label || id));
    const facts = el("table", null, "plain");
    const rows = [["doc_id", id], ["source", card.source], ["status", card.status]];
    for (const [k, v] of Object.entries(card.fields)) rows.push([k, v]);
    for (const [k, v] of rows) {
      if (v === null || v === undefined || v === "") continue;
      const tr = el("tr");
      tr.append(el("th", k), el("td", format(v)));
      facts.append(tr);
    }
    panel.append(facts, el("h4", "Evidence of each value"));
    if (!card.evidence.length) panel.append(el("p", "No provenance value was read from this document's text.", "meta"));
    for (const [field, value, method, start, end, snippet] of card.evidence) {
      const item = el("div");
      item.append(el("p", field + " = " + format(value)));
      const where = start === null ? "no offsets: not read from the text" : "characters " + start + "–" + end;
      item.append(el("p", method + " · " + where, "meta"));
      item.append(el("p", snippet, "snippet"));
      panel.append(item);
    }
    panel.hidden = false;
  }

  function docCell(td, id) {
    id = String(id);
    if (known(id)) {
      const link = el("a", docs[id].label || id.slice(0, 12));
      link.href = "#";
      link.title = id;
      link.addEventListener("click", (ev) => { ev.preventDefault(); showDoc(id); });
      td.append(link);
    } else {
      td.textContent = id.slice(0, 12);
      td.title = id;
    }
  }

  function compare(a, b) {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "number") return -1; // numbers before the words "nan" and "inf"
    if (typeof b === "number") return 1;
    return String(a).localeCompare(String(b));
  }

  function Viewer(root, data) {
    const order = data.rows.map((_, i) => i);
    let shown = order, page = 0, sortColumn = -1, descending = false;
    const docColumns = new Set(data.doc_columns.map((c) => data.columns.indexOf(c)));
    const controls = el("div", null, "controls");
    const filter = el("input");
    filter.type = "search";
    filter.placeholder = "filter rows";
    const prev = el("button", "‹ previous"), next = el("button", "next ›"), where = el("span");
    controls.append(filter, prev, next, where);
    const table = el("table", null, "data"), body = el("tbody"), head = el("tr");
    data.columns.forEach((name, c) => {
      const th = el("th"), button = el("button", name);
      button.title = "sort by " + name;
      button.addEventListener("click", () => {
        descending = sortColumn === c ? !descending : false;
        sortColumn = c;
        order.sort((i, j) => compare(data.rows[i][c], data.rows[j][c]) || i - j);
        if (descending) order.reverse();
        apply();
      });
      th.append(button);
      head.append(th);
    });
    const thead = el("thead");
    thead.append(head);
    table.append(thead, body);
    const scroll = el("div", null, "scroll");
    scroll.append(table);
    root.append(controls, scroll);

    function apply() {
      const needle = filter.value.trim().toLowerCase();
      shown = needle
        ? order.filter((i) => data.rows[i].some((v, c) =>
            format(v).toLowerCase().includes(needle) ||
            (docColumns.has(c) && known(v) && String(docs[v].label).toLowerCase().includes(needle))))
        : order.slice();
      page = Math.min(page, Math.max(0, Math.ceil(shown.length / PAGE) - 1));
      draw();
    }

    function draw() {
      body.replaceChildren();
      for (const i of shown.slice(page * PAGE, (page + 1) * PAGE)) {
        const tr = el("tr");
        data.rows[i].forEach((value, c) => {
          const td = el("td", null, data.kinds[c]);
          if (docColumns.has(c) && value) docCell(td, value);
          else td.textContent = format(value);
          tr.append(td);
        });
        body.append(tr);
      }
      const first = shown.length ? page * PAGE + 1 : 0;
      const last = Math.min(shown.length, (page + 1) * PAGE);
      let text = "rows " + first + "–" + last + " of " + shown.length.toLocaleString("en-US");
      if (data.rows.length < data.total) text += " shown here (" + data.total.toLocaleString("en-US") + " in the file)";
      where.textContent = text;
      prev.disabled = page === 0;
      next.disabled = last >= shown.length;
    }

    filter.addEventListener("input", () => { page = 0; apply(); });
    prev.addEventListener("click", () => { page -= 1; draw(); });
    next.addEventListener("click", () => { page += 1; draw(); });
    if (!data.rows.length) {
      root.replaceChildren(el("p", "This table is empty.", "meta"));
      return;
    }
    apply();
  }

  document.querySelectorAll("div.table-view").forEach((div) => {
    try {
      Viewer(div, read(div.dataset.source));
    } catch (error) { // one odd table must not keep the charts below from being drawn
      div.replaceChildren(el("p", "This table could not be shown here (" + error + "); its files are linked above."));
      console.error(error);
    }
  });

  const figures = document.querySelectorAll("figure.chart");
  let pending = figures.length;
  document.body.dataset.chartsPending = String(pending);
  // Vega measures labels when it lays a chart out: the charts' font must be loaded by then, or
  // labels measured in a fallback font overlap once the real one arrives.
  const font = '"Liberation Sans"';
  const loaded = document.fonts
    ? Promise.all([document.fonts.load("11px " + font), document.fonts.load("bold 11px " + font)])
    : Promise.resolve();
  loaded.catch(() => null).then(() => figures.forEach((figure) => {
    const target = figure.querySelector(".vega");
    const options = { renderer: "svg", actions: { export: true, source: false, compiled: false, editor: false } };
    window.vegaEmbed(target, read(figure.dataset.spec), options)
      .then(() => { figure.dataset.state = "rendered"; })
      .catch((error) => {
        figure.dataset.state = "failed";
        target.replaceChildren(el("p", "This chart could not be drawn here (" + error + "); its SVG and PNG files are linked below."));
      })
      .finally(() => {
        pending -= 1;
        document.body.dataset.chartsPending = String(pending);
      });
  }));
})();
