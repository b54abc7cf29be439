/* planner.js: the planner forms of /compare. "Plan training" asks GraphQL planTraining and
 * "Plan serving" planInference, once per chip of the comparison, and shows each result with
 * its unit (or "—" and the reason), then per chip the formulas, assumptions and inputs (the
 * statements, offers and exchange rates used, with their sources). */
(function () {
  "use strict";
  const H = window.hwkg;
  const el = H.el;
  const slugs = JSON.parse(document.getElementById("side").getAttribute("data-chips") || "[]");
  const output = document.getElementById("plan-result");

  const METRIC = `fragment M on DerivedMetric { value unit reason inputs { role value unit entityId
    figure { property source { title url } } offer { name offerDate offerKind { label } sources { title url } }
    rate { name rate rateDate } } }`;
  const TRAIN = `query Train($w: TrainingWorkload!, $chip: ID!, $devices: Int, $maxDays: Float, $basis: PriceBasis!) {
    plan: planTraining(workload: $w, chip: $chip, devices: $devices, maxDays: $maxDays, priceBasis: $basis) {
      chip { slug name } devices devicesToFit fits mfuBasis formulas assumptions
      compute { ...M } peak { ...M } mfu { ...M } time { ...M } memoryNeeded { ...M }
      memoryAvailable { ...M } energy { ...M } cost { ...M }
    } } ${METRIC}`;
  const SERVE = `query Serve($w: InferenceWorkload!, $chip: ID!, $devices: Int, $target: Float, $basis: PriceBasis!) {
    plan: planInference(workload: $w, chip: $chip, devices: $devices, targetTokensPerSecond: $target, priceBasis: $basis) {
      chip { slug name } devices devicesToFit fits formulas assumptions
      weights { ...M } kvCache { ...M } memoryNeeded { ...M } memoryAvailable { ...M }
      decodeMemoryBound { ...M } decodeComputeBound { ...M } decodeUpperBound { ...M }
      cost { ...M } costPerMillionTokens { ...M }
      measured { result { name } accelerators perAccelerator { value unit } }
    } } ${METRIC}`;

  const TRAIN_ROWS = [
    ["devices", "Devices"], ["devicesToFit", "Fewest devices that hold the state"], ["fits", "Fits in these devices"],
    ["compute", "Training compute"], ["peak", "Dense peak per device"], ["mfu", "MFU"], ["time", "Time"],
    ["memoryNeeded", "Memory needed"], ["memoryAvailable", "Memory of the devices"], ["energy", "Energy"],
    ["cost", "Cost"],
  ];
  const SERVE_ROWS = [
    ["devices", "Devices"], ["devicesToFit", "Fewest devices that hold weights and KV cache"],
    ["fits", "Fits in these devices"], ["weights", "Weights"], ["kvCache", "KV cache"],
    ["memoryNeeded", "Memory needed"], ["memoryAvailable", "Memory of the devices"],
    ["decodeMemoryBound", "Decode ceiling, memory bandwidth"], ["decodeComputeBound", "Decode ceiling, compute"],
    ["decodeUpperBound", "Decode upper bound"], ["cost", "Cost (cloud: one hour; purchase: the devices)"],
    ["costPerMillionTokens", "Cost per million tokens (cloud)"],
    ["measured", "Measured (MLPerf)"],
  ];

  /* The form's values: numbers where the field is a number, "" fields left out. */
  function values(form) {
    const out = {};
    Array.from(form.elements).forEach(function (field) {
      if (!field.name || field.value === "") return;
      out[field.name] = field.type === "number" ? Number(field.value) : field.value;
    });
    return out;
  }

  function pick(source, names) {
    const out = {};
    names.forEach(function (n) { if (source[n] !== undefined) out[n] = source[n]; });
    return out;
  }

  function metricCell(m, extra) {
    if (!m) return el("td", {}, "—");
    if (m.value === null) {
      return el("td", { class: "missing" }, "—", el("span", { class: "why" }, m.reason || "no value"));
    }
    return el("td", { class: "num" }, el("span", { class: "value" }, H.fmt(m.value) + " " + m.unit), extra || null);
  }

  function cellFor(plan, key) {
    const v = plan[key];
    if (key === "devices" || key === "devicesToFit") {
      return el("td", { class: "num" }, v === null ? el("span", { class: "missing" }, "—") : H.fmt(v));
    }
    if (key === "fits") return el("td", {}, v === null ? "—" : v ? "yes" : "no");
    if (key === "mfu") return metricCell(v, el("span", { class: "why" }, plan.mfuBasis));
    if (key === "time" && v && v.value !== null) {
      return metricCell(v, el("span", { class: "why" }, "= " + H.fmt(v.value / 24, 3) + " days"));
    }
    if (key === "measured") {
      if (!v || !v.length) {
        return el("td", { class: "missing" }, "—", el("span", { class: "why" }, plan.mlperfModel
          ? "the graph has no measured result of this chip for " + plan.mlperfModel
          : "give an MLPerf model (under KV cache and measured results) to see measured results"));
      }
      return el("td", {}, el("ul", {}, v.slice(0, 5).map(function (m) {
        return el("li", {}, H.fmt(m.perAccelerator.value) + " " + m.perAccelerator.unit + " — " + m.result.name +
          " (" + m.accelerators + " accelerators)");
      })));
    }
    return metricCell(v);
  }

  function inputsTable(plan, keys) {
    const rows = [];
    const seen = new Set();
    keys.forEach(function (k) {
      const m = plan[k[0]];
      if (!m || !m.inputs) return;
      m.inputs.forEach(function (i) {
        const id = [i.role, i.value, i.unit, i.entityId].join("|");
        if (seen.has(id)) return;
        seen.add(id);
        const from = i.figure ? H.sourceLink(i.figure.source)
          : i.offer ? [i.offer.name + " (" + [i.offer.offerKind && i.offer.offerKind.label, i.offer.offerDate].filter(Boolean).join(", ") + ") ",
            (i.offer.sources || []).map(H.sourceLink)]
          : i.rate ? i.rate.name + ", " + i.rate.rateDate : "";
        rows.push(el("tr", {}, el("td", {}, i.role), el("td", { class: "num" }, H.fmt(i.value) + " " + (i.unit || "")), el("td", {}, from)));
      });
    });
    if (!rows.length) return el("p", { class: "muted" }, "No graph inputs.");
    return el("table", { class: "inputs" }, el("thead", {}, el("tr", {}, el("th", {}, "input"), el("th", {}, "value"), el("th", {}, "from"))),
      el("tbody", {}, rows));
  }

  function explain(plan, keys) {
    return el("details", { open: true, class: "explain" }, el("summary", {}, "How the figures for " + plan.chip.name + " were computed"),
      el("strong", {}, "Formulas"), el("ul", { class: "formulas" }, plan.formulas.map(function (f) { return el("li", {}, el("code", {}, f)); })),
      el("strong", {}, "Assumptions"), el("ul", { class: "assumptions" }, plan.assumptions.map(function (a) { return el("li", {}, a); })),
      el("strong", {}, "Inputs"), inputsTable(plan, keys));
  }

  function show(title, answers, rows) {
    const plans = answers.filter(function (a) { return a.plan; });
    const problems = answers.filter(function (a) { return !a.plan; });
    const parts = [el("h3", {}, title)];
    problems.forEach(function (a) { parts.push(el("p", { class: "error" }, a.slug + ": " + a.error)); });
    if (plans.length) {
      parts.push(el("div", { class: "table-wrap" }, el("table", { class: "side plan", id: "plan-table" },
        el("thead", {}, el("tr", {}, el("th", {}, ""), plans.map(function (a) {
          return el("th", { scope: "col", "data-slug": a.plan.chip.slug }, a.plan.chip.name);
        }))),
        el("tbody", {}, rows.map(function (r) {
          return el("tr", { "data-key": r[0] }, el("th", { scope: "row", class: "row" }, r[1]),
            plans.map(function (a) { return cellFor(a.plan, r[0]); }));
        })))));
      plans.forEach(function (a) { parts.push(explain(a.plan, rows)); });
    }
    output.replaceChildren.apply(output, parts);
    output.setAttribute("data-done", title);
    output.scrollIntoView({ block: "start" });
  }

  async function run(query, variables) {
    return Promise.all(slugs.map(async function (slug) {
      try {
        const answer = await H.request(query, Object.assign({ chip: slug }, variables));
        if (answer.errors.length) return { slug: slug, error: answer.errors.join("; ") };
        return { slug: slug, plan: Object.assign({ mlperfModel: variables.w.mlperfModel }, answer.data.plan) };
      } catch (e) {
        return { slug: slug, error: e.message };
      }
    }));
  }

  async function train(event) {
    event.preventDefault();
    const v = values(event.target);
    const workload = pick(v, ["parameters", "tokens", "precision", "bytesPerParameter", "mfu"]);
    output.replaceChildren(el("p", {}, "Planning training…"));
    const answers = await run(TRAIN, { w: workload, devices: v.devices === undefined ? null : v.devices,
      maxDays: v.maxDays === undefined ? null : v.maxDays, basis: v.priceBasis });
    show("Training " + H.fmt(v.parameters) + " parameters on " + H.fmt(v.tokens) + " tokens (" + v.precision + ")",
      answers, TRAIN_ROWS);
  }

  async function serve(event) {
    event.preventDefault();
    const v = values(event.target);
    const workload = pick(v, ["parameters", "bytesPerParameter", "batchSize", "contextLength", "layers",
      "kvHeads", "headDim", "mlperfModel"]);
    output.replaceChildren(el("p", {}, "Planning serving…"));
    const answers = await run(SERVE, { w: workload, devices: v.devices === undefined ? null : v.devices,
      target: v.targetTokensPerSecond === undefined ? null : v.targetTokensPerSecond, basis: v.priceBasis });
    show("Serving " + H.fmt(v.parameters) + " parameters at " + v.bytesPerParameter + " bytes each, batch " +
      v.batchSize + ", context " + v.contextLength, answers, SERVE_ROWS);
  }

  document.getElementById("train-form").addEventListener("submit", train);
  document.getElementById("serve-form").addEventListener("submit", serve);
})();
