/* table.js: the comparison table of "/". Reads every chip from /graphql (100 a page), then
 * sorts (any column; missing values last), filters (vendor, kind, memory, prices, CPUs),
 * searches names, Chinese names and aliases, keeps the state in the URL, draws the charts of
 * the rows shown, and links 2–4 selected rows to /compare. */
(function () {
  "use strict";
  const H = window.hwkg;
  const el = H.el;
  const MAX_SELECTED = 4;
  const KIND_NAMES = { AIAccelerator: "AI accelerator", Superchip: "superchip" };
  const ACCELERATOR_KINDS = ["GPU", "AIAccelerator", "SoC"];

  const QUERY = `query Chips($after: String) {
    chips(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        slug name nameZh altNames kinds vendor { name }
        memoryCapacity { value unit baseValue }
        memoryBandwidth { value unit baseValue }
        computeBF16 { value unit baseValue }
        maxPower { value unit baseValue }
        absences { property kind note }
        price { value unit reason inputs { role value unit offer { offerDate offerKind { label } } } }
        cloud: price(priceBasis: CLOUD_HOURLY) { value unit reason inputs { role offer { offerDate provider } } }
        memoryPerDollar { value unit reason }
        bandwidthPerDollar { value unit reason }
        flopsPerDollar { value unit reason }
        flopsPerWatt { value unit reason }
      }
    }
  }`;

  /* A stored figure in the table's unit (baseValue ÷ scale), or null with the reason. */
  function stored(chip, figure, property, scale) {
    if (figure && figure.baseValue !== null && figure.baseValue !== undefined) {
      return { value: figure.baseValue / scale, title: H.fmt(figure.value) + " " + figure.unit + " as stated" };
    }
    const absent = chip.absences.find(function (a) { return a.property === property; });
    if (absent) {
      const kind = H.absenceKind(absent.kind);
      return { value: null, reason: property + " " + kind + ": " + absent.note };
    }
    return { value: null, reason: "the graph has no " + property + " statement for " + chip.name };
  }

  /* A derived metric × factor, or null with the API's reason. */
  function derived(metric, factor, describe) {
    if (metric.value === null) return { value: null, reason: metric.reason };
    return { value: metric.value * (factor || 1), title: describe ? describe(metric) : H.fmt(metric.value) + " " + metric.unit };
  }

  function priceTitle(metric) {
    const offer = metric.inputs.map(function (i) { return i.offer; }).filter(Boolean)[0];
    const from = offer ? " (" + [offer.offerKind && offer.offerKind.label, offer.offerDate, offer.provider]
      .filter(Boolean).join(", ") + ")" : "";
    return H.fmt(metric.value) + " " + metric.unit + from;
  }

  function perThousand(metric) { return H.fmt(metric.value) + " " + metric.unit + " (× 1,000 here)"; }

  /* A CPU, or a superchip of CPUs only (typed CPU too, e.g. the Grace CPU Superchip). */
  function isCpuOnly(kinds) {
    if (kinds.some(function (k) { return ACCELERATOR_KINDS.indexOf(k) >= 0; })) return false;
    return kinds.indexOf("Superchip") < 0 || kinds.indexOf("CPU") >= 0;
  }

  function toRow(c) {
    const names = [c.name, c.nameZh, c.slug, c.vendor.name].concat(c.altNames);
    const haystack = names.join(" | ").normalize("NFKC").toLowerCase();
    return {
      slug: c.slug, name: c.name, nameZh: c.nameZh, altNames: c.altNames, kinds: c.kinds,
      vendor: c.vendor.name, haystack: haystack, compact: haystack.replace(/[\s\-_]+/g, ""),
      cpuOnly: isCpuOnly(c.kinds),
      cells: {
        memory: stored(c, c.memoryCapacity, "memoryCapacity", 1e9),
        bandwidth: stored(c, c.memoryBandwidth, "memoryBandwidth", 1e9),
        bf16: stored(c, c.computeBF16, "computeBF16", 1e12),
        power: stored(c, c.maxPower, "maxPower", 1),
        price: derived(c.price, 1, priceTitle),
        cloud: derived(c.cloud, 1, priceTitle),
        memPerK: derived(c.memoryPerDollar, 1000, perThousand),
        bwPerK: derived(c.bandwidthPerDollar, 1000, perThousand),
        flopsPerK: derived(c.flopsPerDollar, 1000, perThousand),
        flopsPerW: derived(c.flopsPerWatt, 1),
      },
    };
  }

  const COLUMNS = [
    { key: "name", label: "Chip", text: function (r) { return r.name; } },
    { key: "vendor", label: "Vendor", text: function (r) { return r.vendor; } },
    { key: "kind", label: "Kind", text: function (r) { return kindText(r.kinds); } },
    { key: "memory", label: "Memory", unit: "GB" },
    { key: "bandwidth", label: "Bandwidth", unit: "GB/s" },
    { key: "bf16", label: "Dense BF16", unit: "TFLOPS" },
    { key: "power", label: "Max power", unit: "W" },
    { key: "price", label: "Price", unit: "USD" },
    { key: "cloud", label: "Cloud", unit: "USD/h" },
    { key: "memPerK", label: "Memory per $1k", unit: "GB" },
    { key: "bwPerK", label: "Bandwidth per $1k", unit: "GB/s" },
    { key: "flopsPerK", label: "BF16 per $1k", unit: "TFLOPS" },
    { key: "flopsPerW", label: "BF16 per watt", unit: "TFLOPS/W" },
  ];

  function kindText(kinds) { return kinds.map(function (k) { return KIND_NAMES[k] || k; }).join(", "); }

  const state = { rows: [], total: 0, sort: { key: "bf16", dir: "desc" }, selected: [] };
  const form = document.getElementById("filters");
  const input = function (id) { return document.getElementById(id); };

  /* ------------------------------------------------------------------ filters and URL */
  function filters() {
    return {
      q: input("q").value.trim(), vendor: input("vendor").value, kind: input("kind").value,
      minMemory: input("minMemory").value === "" ? null : Number(input("minMemory").value),
      priced: input("priced").checked, cloud: input("cloud").checked, cpus: input("cpus").checked,
    };
  }

  function matches(row, f) {
    if (row.cpuOnly && !f.cpus && f.kind !== "CPU") return false;
    if (f.vendor && row.vendor !== f.vendor) return false;
    if (f.kind && row.kinds.indexOf(f.kind) < 0) return false;
    if (f.minMemory !== null && !(row.cells.memory.value >= f.minMemory)) return false;
    if (f.priced && row.cells.price.value === null) return false;
    if (f.cloud && row.cells.cloud.value === null) return false;
    if (!f.q) return true;
    return f.q.normalize("NFKC").toLowerCase().split(/\s+/).every(function (term) {
      return row.haystack.indexOf(term) >= 0 || row.compact.indexOf(term.replace(/[\-_]+/g, "")) >= 0;
    });
  }

  function saveUrl(f) {
    const params = new URLSearchParams();
    if (f.q) params.set("q", f.q);
    if (f.vendor) params.set("vendor", f.vendor);
    if (f.kind) params.set("kind", f.kind);
    if (f.minMemory !== null) params.set("memory", String(f.minMemory));
    ["priced", "cloud", "cpus"].forEach(function (k) { if (f[k]) params.set(k, "1"); });
    if (state.sort.key !== "bf16" || state.sort.dir !== "desc") params.set("sort", state.sort.key + "." + state.sort.dir);
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function loadUrl() {
    const params = new URLSearchParams(location.search);
    input("q").value = params.get("q") || "";
    input("kind").value = params.get("kind") || "";
    input("minMemory").value = params.get("memory") || "";
    ["priced", "cloud", "cpus"].forEach(function (k) { input(k).checked = params.get(k) === "1"; });
    const sort = (params.get("sort") || "").split(".");
    if (COLUMNS.some(function (c) { return c.key === sort[0]; }) && (sort[1] === "asc" || sort[1] === "desc")) {
      state.sort = { key: sort[0], dir: sort[1] };
    }
    return params.get("vendor") || "";
  }

  /* ------------------------------------------------------------------ sorting */
  function sortValue(row, column) {
    return column.text ? column.text(row).toLowerCase() : row.cells[column.key].value;
  }

  function compareRows(a, b) {
    const column = COLUMNS.find(function (c) { return c.key === state.sort.key; });
    const x = sortValue(a, column), y = sortValue(b, column);
    if (x === null && y === null) return a.name.localeCompare(b.name);
    if (x === null) return 1;            // missing values last, in either direction
    if (y === null) return -1;
    const order = column.text ? x.localeCompare(y) : x - y;
    return (state.sort.dir === "asc" ? order : -order) || a.name.localeCompare(b.name);
  }

  function sortBy(key) {
    const column = COLUMNS.find(function (c) { return c.key === key; });
    state.sort = state.sort.key === key
      ? { key: key, dir: state.sort.dir === "asc" ? "desc" : "asc" }
      : { key: key, dir: column.text ? "asc" : "desc" };
    render();
  }

  /* ------------------------------------------------------------------ rendering */
  function header() {
    const tr = document.querySelector("#chips thead tr");
    tr.replaceChildren(el("th", { scope: "col" }, el("span", { class: "unit" }, "select")));
    COLUMNS.forEach(function (c) {
      const sorted = state.sort.key === c.key;
      tr.appendChild(el("th", {
        scope: "col", "data-key": c.key,
        "aria-sort": sorted ? (state.sort.dir === "asc" ? "ascending" : "descending") : "none",
      }, el("button", { type: "button", class: "sort", onclick: function () { sortBy(c.key); } }, c.label),
      c.unit ? el("span", { class: "unit" }, c.unit) : null));
    });
  }

  function cell(row, column) {
    if (column.key === "name") {
      const aka = row.altNames.length ? "also known as: " + row.altNames.join(" · ") : null;
      return el("td", { class: "name", title: aka }, el("a", { href: H.chipHref(row.slug) }, row.name),
        row.nameZh ? el("span", { class: "zh", lang: "zh" }, row.nameZh) : null);
    }
    if (column.text) return el("td", {}, column.text(row));
    const c = row.cells[column.key];
    if (c.value === null) return el("td", { class: "num missing", title: c.reason || "no value" }, "—");
    return el("td", { class: "num", title: c.title || null }, H.fmt(c.value));
  }

  function checkbox(row) {
    const on = state.selected.indexOf(row.slug) >= 0;
    return el("input", {
      type: "checkbox", class: "select", "data-slug": row.slug, "aria-label": "select " + row.name,
      checked: on, disabled: !on && state.selected.length >= MAX_SELECTED,
      onchange: function (event) { toggle(row.slug, event.target.checked); },
    });
  }

  function toggle(slug, on) {
    state.selected = state.selected.filter(function (s) { return s !== slug; });
    if (on && state.selected.length < MAX_SELECTED) state.selected.push(slug);
    render();
  }

  function selection() {
    const n = state.selected.length;
    const link = input("compare-link");
    const names = state.selected.map(function (slug) {
      return state.rows.find(function (r) { return r.slug === slug; }).name;
    });
    link.href = "/compare?chips=" + state.selected.map(encodeURIComponent).join(",");
    link.setAttribute("aria-disabled", n >= 2 && n <= MAX_SELECTED ? "false" : "true");
    link.textContent = n ? "Compare selected (" + n + ")" : "Compare selected";
    input("selection").textContent = n ? names.join(" · ") + (n < 2 ? " — select one more" : "")
      : "select 2–4 rows";
  }

  let charts = null;

  function drawCharts(shown) {
    if (!window.Chart || !H.charts) return;
    if (!charts) {
      charts = {
        price: new H.charts.Scatter(input("chart-price"), {
          xTitle: "price (USD, per unit)", yTitle: "dense BF16 (TFLOPS)", xUnit: "USD", yUnit: "TFLOPS",
          xBetter: "low", yBetter: "high" }),
        cloud: new H.charts.Scatter(input("chart-cloud"), {
          xTitle: "cloud rate (USD per chip-hour)", yTitle: "dense BF16 (TFLOPS)", xUnit: "USD/h",
          yUnit: "TFLOPS", xBetter: "low", yBetter: "high" }),
        memory: new H.charts.Scatter(input("chart-memory"), {
          xTitle: "memory (GB)", yTitle: "memory bandwidth (GB/s)", xUnit: "GB", yUnit: "GB/s",
          xBetter: "high", yBetter: "high" }),
      };
    }
    const point = function (r, x, y) { return { x: r.cells[x].value, y: r.cells[y].value, label: r.name, slug: r.slug }; };
    const note = function (chart, plotted, lacking) {
      const left = shown.length - plotted;
      return plotted + " of the " + shown.length + " chips shown" +
        (left ? "; " + left + (left === 1 ? " lacks " : " lack ") + lacking : "") +
        (chart.front.length ? ". Pareto front: " + chart.front.map(function (p) { return p.label; }).join(", ") : "") + ".";
    };
    const plotted = charts.price.update(shown.map(function (r) { return point(r, "price", "bf16"); }));
    input("chart-price-note").textContent = note(charts.price, plotted, "a purchase price or a dense BF16 figure");
    const plottedCloud = charts.cloud.update(shown.map(function (r) { return point(r, "cloud", "bf16"); }));
    input("chart-cloud-note").textContent = note(charts.cloud, plottedCloud, "a cloud rate or a dense BF16 figure");
    const plottedMemory = charts.memory.update(shown.map(function (r) { return point(r, "memory", "bandwidth"); }));
    input("chart-memory-note").textContent = note(charts.memory, plottedMemory, "a memory or bandwidth figure");
  }

  function render() {
    const f = filters();
    saveUrl(f);
    header();
    const shown = state.rows.filter(function (r) { return matches(r, f); }).sort(compareRows);
    const body = document.querySelector("#chips tbody");
    body.replaceChildren.apply(body, shown.map(function (row) {
      const tr = el("tr", { "data-slug": row.slug, class: state.selected.indexOf(row.slug) >= 0 ? "selected" : null },
        el("td", {}, checkbox(row)));
      COLUMNS.forEach(function (c) { tr.appendChild(cell(row, c)); });
      return tr;
    }));
    const what = f.cpus || f.kind === "CPU" ? "chips" : "accelerators";
    const all = state.rows.filter(function (r) { return !r.cpuOnly || f.cpus || f.kind === "CPU"; }).length;
    input("count").textContent = "Showing " + shown.length + " of " + all + " " + what;
    selection();
    drawCharts(shown);
  }

  function vendors(wanted) {
    const select = input("vendor");
    const names = Array.from(new Set(state.rows.map(function (r) { return r.vendor; }))).sort();
    names.forEach(function (n) { select.appendChild(el("option", { value: n }, n)); });
    select.value = names.indexOf(wanted) >= 0 ? wanted : "";
  }

  async function start() {
    const vendor = loadUrl();
    header();
    try {
      const nodes = await H.allNodes(QUERY, "chips", {}, function (sofar, total) {
        input("count").textContent = "Loading chips from GraphQL… " + sofar.length + " of " + total;
      });
      state.rows = nodes.map(toRow);
    } catch (error) {
      const box = input("load-error");
      box.hidden = false;
      box.textContent = "Could not read the chips from /graphql: " + error.message;
      input("count").textContent = "No chips loaded.";
      return;
    }
    vendors(vendor);
    form.addEventListener("input", render);
    form.addEventListener("change", render);
    form.addEventListener("reset", function () { setTimeout(render, 0); });
    render();
    document.body.setAttribute("data-ready", "true");
  }

  start();
})();
