/* compare.js: /compare?chips=a,b — two to four chips side by side, from /graphql. Each
 * figure shows the preferred statement with its unit and source; statements with the same
 * qualifiers that give another value are listed under it ("sources disagree") with their
 * rank and reason. Then prices (with date and kind), offers, derived figures and sourced
 * absences. The best value of a row is marked. An "add a chip" box extends the comparison. */
(function () {
  "use strict";
  const H = window.hwkg;
  const el = H.el;
  const MAX_CHIPS = 4;
  const side = document.getElementById("side");
  const slugs = JSON.parse(side.getAttribute("data-chips") || "[]");

  const FIGURE = `fragment F on Figure { id property value unit baseValue rank rankReason derivation note pointInTime
    sparsity { name } scope { name } direction { name } via { name } computeUnit { name } accumulatePrecision { name }
    sources { title url } }`;
  const METRIC = `fragment M on DerivedMetric { value unit reason
    inputs { role value unit offer { name offerDate offerKind { label } amountQualifier { name label } provider } rate { name rate rateDate } } }`;
  const QUERY = `query Chip($id: ID!) { chip(id: $id) {
    slug name nameZh kinds vendor { name } memoryType { label } processNode formFactor launchDate
    launchDatePrecision unifiedMemory noPublicPrice
    memoryCapacity { ...F } gpuUsableMemory { ...F } memoryBandwidth { ...F } computeBF16 { ...F }
    computeFP16 { ...F } computeFP8 { ...F } computeFP4 { ...F } computeTF32 { ...F } computeFP32 { ...F }
    computeFP64 { ...F } computeINT8 { ...F } maxPower { ...F } hostDevices { ...F }
    statements { ...F }
    price { ...M } cloud: price(priceBasis: CLOUD_HOURLY) { ...M }
    memoryPerDollar { ...M } bandwidthPerDollar { ...M } flopsPerDollar { ...M } flopsPerWatt { ...M } bytesPerFlop { ...M }
    offers { name amount amountQualifier { name } currency unitCount offerKind { label } offerDate provider region instanceType rank configuration sources { title url } }
    absences { property kind note sources { title url } }
  } } ${FIGURE} ${METRIC}`;

  /* [field, label, better] — better: "high", "low" or null (no best marked). */
  const FIGURES = [
    ["memoryCapacity", "Memory", "high"], ["gpuUsableMemory", "GPU-usable memory", "high"],
    ["memoryBandwidth", "Memory bandwidth", "high"], ["computeBF16", "Dense BF16", "high"],
    ["computeFP16", "Dense FP16", "high"], ["computeFP8", "Dense FP8", "high"],
    ["computeFP4", "Dense FP4", "high"], ["computeTF32", "Dense TF32", "high"],
    ["computeFP32", "FP32", "high"], ["computeFP64", "FP64", "high"], ["computeINT8", "Dense INT8", "high"],
    ["maxPower", "Max power", null], ["hostDevices", "Devices the host sees", null],
  ];
  const DERIVED = [
    ["memoryPerDollar", "Memory per dollar", "high"], ["bandwidthPerDollar", "Bandwidth per dollar", "high"],
    ["flopsPerDollar", "Dense BF16 per dollar", "high"], ["flopsPerWatt", "Dense BF16 per watt", "high"],
    ["bytesPerFlop", "Bytes per FLOP (BF16)", null],
  ];

  function qualifiers(f) {
    return ["sparsity", "scope", "direction", "via", "computeUnit", "accumulatePrecision"].map(function (k) {
      return f[k] ? f[k].name : "";
    }).join("|");
  }

  function sameValue(a, b) {
    if (a.baseValue !== null && b.baseValue !== null) {
      return Math.abs(a.baseValue - b.baseValue) <= 1e-9 * Math.max(Math.abs(a.baseValue), Math.abs(b.baseValue));
    }
    return a.value === b.value && a.unit === b.unit;
  }

  /* Statements of the preferred one's property and qualifiers that give another value. */
  function disagreeing(chip, preferred) {
    return chip.statements.filter(function (s) {
      return s.property === preferred.property && s.id !== preferred.id &&
        qualifiers(s) === qualifiers(preferred) && !sameValue(s, preferred);
    });
  }

  function sources(list) {
    if (!list || !list.length) return null;
    return el("span", { class: "source" }, list.map(function (s, i) {
      return [i ? "; " : "", H.sourceLink(s)];
    }));
  }

  function statementLine(s) {
    const rank = s.rank.toLowerCase();
    return el("li", { class: rank },
      el("span", { class: "value" }, H.fmt(s.value) + " " + s.unit), " — ", rank,
      s.pointInTime ? " (as of " + s.pointInTime + ")" : "",
      s.rankReason ? ": " + s.rankReason : "", sources(s.sources));
  }

  function figureCell(chip, field) {
    const f = chip[field];
    if (!f) {
      const absent = chip.absences.find(function (a) { return a.property === field; });
      if (absent) return el("td", { class: "missing" }, "— ", el("span", { class: "source" },
        H.absenceKind(absent.kind) + ": " + absent.note));
      return el("td", { class: "missing", title: "the graph has no " + field + " statement for " + chip.name }, "—");
    }
    const others = disagreeing(chip, f);
    return el("td", { "data-base": f.baseValue },
      el("span", { class: "value" }, H.fmt(f.value) + " " + f.unit),
      f.derivation ? el("span", { class: "source", title: f.derivation }, "derived: " + f.derivation) : null,
      sources(f.sources),
      others.length ? el("div", { class: "disagree" }, el("strong", {}, "Sources disagree:"),
        el("ul", {}, others.map(statementLine))) : null);
  }

  function metricCell(metric, describe) {
    if (metric.value === null) {
      return el("td", { class: "missing" }, "— ", el("span", { class: "source" }, metric.reason));
    }
    return el("td", { "data-base": metric.value },
      el("span", { class: "value" }, H.fmt(metric.value) + " " + metric.unit),
      describe ? el("span", { class: "source" }, describe(metric)) : null);
  }

  /* "launch MSRP, 2023-03-21" for a price's offer, with the exchange rate when converted. */
  function priceFrom(metric) {
    return metric.inputs.map(function (i) {
      if (i.offer) {
        return [i.offer.offerKind && i.offer.offerKind.label, i.offer.offerDate, i.offer.provider,
          i.offer.amountQualifier && i.offer.amountQualifier.label].filter(Boolean).join(", ");
      }
      if (i.rate) return "at " + i.rate.name;
      return null;
    }).filter(Boolean).join("; ");
  }

  /* "≈ ", "≥ " or "≤ " when the source gives the amount as approximate or as a bound. */
  function qualifierSign(offer) {
    const signs = { Approximate: "≈ ", LowerBound: "≥ ", UpperBound: "≤ " };
    return offer.amountQualifier ? signs[offer.amountQualifier.name] || "" : "";
  }

  function offerList(chip) {
    if (!chip.offers.length) {
      return el("td", { class: "missing" }, chip.noPublicPrice ? "no public price: " + chip.noPublicPrice : "—");
    }
    return el("td", {}, el("ul", { class: "offers" }, chip.offers.map(function (o) {
      const units = o.unitCount > 1 ? " for " + o.unitCount + " units" : "";
      const where = [o.provider, o.region, o.instanceType].filter(Boolean).join(", ");
      return el("li", { class: o.rank.toLowerCase() },
        el("span", { class: "value" }, qualifierSign(o) + H.fmt(o.amount) + " " + o.currency + units),
        " — " + [o.offerKind.label, o.offerDate, where].filter(Boolean).join(", "),
        o.rank !== "PREFERRED" ? " (" + o.rank.toLowerCase() + ")" : "", sources(o.sources));
    })));
  }

  function absenceList(chip) {
    if (!chip.absences.length) return el("td", { class: "missing" }, "—");
    return el("td", {}, el("ul", { class: "offers" }, chip.absences.map(function (a) {
      return el("li", {}, el("strong", {}, a.property), " ",
        H.absenceKind(a.kind), ": ", a.note, sources(a.sources));
    })));
  }

  /* Marks the best numeric cell of a row (data-base) when better is "high" or "low". */
  function markBest(tr, better) {
    const cells = Array.from(tr.querySelectorAll("td[data-base]"));
    if (!better || cells.length < 2) return;
    const values = cells.map(function (c) { return Number(c.getAttribute("data-base")); });
    const best = better === "high" ? Math.max.apply(null, values) : Math.min.apply(null, values);
    cells.forEach(function (c, i) {
      if (values[i] === best) c.querySelector(".value").classList.add("best");
    });
  }

  function row(label, chips, make, better, hint) {
    const tr = el("tr", {}, el("th", { scope: "row", class: "row", title: hint || null }, label),
      chips.map(make));
    markBest(tr, better);
    return tr;
  }

  function section(title, rows) {
    return el("tbody", { class: "section" },
      el("tr", {}, el("th", { class: "section", colspan: 99, scope: "rowgroup" }, title)), rows);
  }

  function without(slug) {
    const rest = slugs.filter(function (s) { return s !== slug; });
    return "/compare" + (rest.length ? "?chips=" + rest.map(encodeURIComponent).join(",") : "");
  }

  function head(chips) {
    return el("thead", {}, el("tr", {}, el("th", {}, ""), chips.map(function (c) {
      return el("th", { class: "chip-head", scope: "col", "data-slug": c.slug },
        el("a", { href: H.chipHref(c.slug) }, c.name),
        c.nameZh ? el("span", { class: "zh", lang: "zh" }, c.nameZh) : null,
        el("span", { class: "muted" }, c.vendor.name + " · " + c.kinds.join(", ")), " ",
        el("a", { href: without(c.slug), class: "muted", title: "remove from the comparison" }, "remove"));
    })));
  }

  function table(chips) {
    const empty = function (v) { return v === null || v === undefined || v === ""; };
    /* A row of plain facts, left out when no chip has one. */
    const facts = function (label, get) {
      if (chips.every(function (c) { return empty(get(c)); })) return null;
      return row(label, chips, function (c) { const v = get(c); return el("td", {}, empty(v) ? "—" : String(v)); });
    };
    const launch = function (c) {
      if (!c.launchDate) return null;
      return c.launchDatePrecision === "year" ? c.launchDate.slice(0, 4)
        : c.launchDatePrecision === "month" ? c.launchDate.slice(0, 7) : c.launchDate;
    };
    const identity = section("Identity", [
      facts("Memory type", function (c) { return c.memoryType && c.memoryType.label; }),
      facts("Unified memory", function (c) { return c.unifiedMemory === null ? null : (c.unifiedMemory ? "yes" : "no"); }),
      facts("Process", function (c) { return c.processNode; }),
      facts("Form factor", function (c) { return c.formFactor; }),
      facts("Launch", launch),
    ]);
    const used = FIGURES.filter(function (f) {
      return chips.some(function (c) { return c[f[0]] || c.absences.some(function (a) { return a.property === f[0]; }); });
    });
    const figures = section("Figures (preferred statement, unit, source)", used.map(function (f) {
      return row(f[1], chips, function (c) { return figureCell(c, f[0]); }, f[2], f[0]);
    }));
    const prices = section("Prices (per unit, USD)", [
      row("Purchase price", chips, function (c) { return metricCell(c.price, priceFrom); }, "low"),
      row("Cloud, per chip-hour", chips, function (c) { return metricCell(c.cloud, priceFrom); }, "low"),
      row("Offers", chips, offerList),
    ]);
    const derived = section("Derived figures (computed at query time)", DERIVED.map(function (d) {
      return row(d[1], chips, function (c) { return metricCell(c[d[0]]); }, d[2], d[0]);
    }));
    const absences = chips.some(function (c) { return c.absences.length; })
      ? section("Not published or not supported (with sources)", [row("Absences", chips, absenceList)]) : null;
    return el("table", { class: "side", id: "side-table" }, head(chips), identity, figures, prices, derived, absences);
  }

  async function load() {
    if (!slugs.length) return;
    const answers = await Promise.all(slugs.map(function (slug) {
      return H.request(QUERY, { id: slug }).catch(function (e) { return { data: null, errors: [e.message] }; });
    }));
    const chips = [], problems = [];
    answers.forEach(function (a, i) {
      if (a.data && a.data.chip) chips.push(a.data.chip);
      else problems.push(slugs[i] + ": " + (a.errors.join("; ") || "no such chip"));
    });
    const children = [];
    if (problems.length) children.push(el("p", { class: "error" }, "Could not read " + problems.join(" · ")));
    if (chips.length) children.push(el("div", { class: "table-wrap" }, table(chips)));
    side.replaceChildren.apply(side, children);
    document.body.setAttribute("data-ready", "true");
  }

  /* ------------------------------------------------------------------ adding a chip */
  const NAMES = `query Names($after: String) { chips(first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { slug name nameZh altNames } } }`;
  let known = null;

  async function names() {
    if (known) return known;
    known = await H.allNodes(NAMES, "chips");
    const list = document.getElementById("chip-names");
    known.forEach(function (c) {
      list.appendChild(el("option", { value: c.name }, c.nameZh || null));
    });
    return known;
  }

  async function add() {
    const input = document.getElementById("add-chip");
    const message = document.getElementById("add-message");
    const wanted = input.value.trim().normalize("NFKC").toLowerCase();
    if (!wanted) return;
    const all = await names();
    const found = all.find(function (c) {
      return [c.name, c.nameZh, c.slug].concat(c.altNames).some(function (n) {
        return n && n.normalize("NFKC").toLowerCase() === wanted;
      });
    }) || all.find(function (c) {
      return (c.name + " " + c.nameZh).normalize("NFKC").toLowerCase().indexOf(wanted) >= 0;
    });
    if (!found) { message.textContent = "No chip is named “" + input.value + "”."; return; }
    if (slugs.indexOf(found.slug) >= 0) { message.textContent = found.name + " is already here."; return; }
    if (slugs.length >= MAX_CHIPS) { message.textContent = "At most " + MAX_CHIPS + " chips."; return; }
    location.href = "/compare?chips=" + slugs.concat([found.slug]).map(encodeURIComponent).join(",");
  }

  document.getElementById("add-button").addEventListener("click", add);
  document.getElementById("add-chip").addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); add(); }
  });
  document.getElementById("add-chip").addEventListener("focus", function () { names(); }, { once: true });

  if (slugs.length) {
    load().catch(function (e) {
      side.replaceChildren(el("p", { class: "error" }, "Could not read the chips from /graphql: " + e.message));
    });
  } else {
    names();
  }
})();
