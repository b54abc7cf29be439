/* entity.js: the derived figures of a chip's page (section#derived[data-chip]), read from
 * /graphql: price (purchase, with the offer's kind and date; cloud per chip-hour), memory,
 * bandwidth and dense BF16 per dollar, dense BF16 per watt, bytes per FLOP. A missing
 * figure shows "—" and the API's reason. */
(function () {
  "use strict";
  const H = window.hwkg;
  const el = H.el;
  const section = document.getElementById("derived");
  if (!section) return;

  const QUERY = `query Derived($id: ID!) { chip(id: $id) {
    price { ...M } cloud: price(priceBasis: CLOUD_HOURLY) { ...M }
    memoryPerDollar { ...M } bandwidthPerDollar { ...M } flopsPerDollar { ...M } flopsPerWatt { ...M }
    bytesPerFlop { ...M }
  } }
  fragment M on DerivedMetric { value unit reason inputs { role value unit
    figure { property source { title url } } offer { name offerDate offerKind { label } provider unitCount }
    rate { name } } }`;
  const ROWS = [
    ["price", "Price per unit (purchase)"], ["cloud", "Price per chip-hour (cloud)"],
    ["memoryPerDollar", "Memory per dollar"], ["bandwidthPerDollar", "Bandwidth per dollar"],
    ["flopsPerDollar", "Dense BF16 per dollar"], ["flopsPerWatt", "Dense BF16 per watt"],
    ["bytesPerFlop", "Bytes per FLOP (BF16)"],
  ];

  /* What a metric was computed from: the offer (kind, date, units) and the statements. */
  function from(metric) {
    return metric.inputs.map(function (i) {
      if (i.offer) {
        const units = i.offer.unitCount > 1 ? ", " + i.offer.unitCount + " units" : "";
        return i.offer.name + " (" + [i.offer.offerKind && i.offer.offerKind.label, i.offer.offerDate,
          i.offer.provider].filter(Boolean).join(", ") + units + ")";
      }
      if (i.rate) return "exchange rate: " + i.rate.name;
      if (i.role === "unitCount") return null;
      return i.role + " " + H.fmt(i.value) + " " + (i.unit || "") +
        (i.figure && i.figure.source ? " (" + i.figure.source.title + ")" : "");
    }).filter(Boolean).join("; ");
  }

  async function load() {
    const data = await H.gql(QUERY, { id: section.getAttribute("data-chip") });
    const body = section.querySelector("#derived-table tbody");
    body.replaceChildren.apply(body, ROWS.map(function (r) {
      const m = data.chip[r[0]];
      return el("tr", { "data-metric": r[0] }, el("th", { scope: "row" }, r[1]),
        m.value === null
          ? el("td", { class: "num missing" }, "—")
          : el("td", { class: "num" }, H.fmt(m.value) + " " + m.unit),
        el("td", { class: m.value === null ? "muted reason" : "muted" }, m.value === null ? m.reason : from(m)));
    }));
    section.setAttribute("data-ready", "true");
  }

  load().catch(function (e) {
    section.querySelector("#derived-table tbody").replaceChildren(
      el("tr", {}, el("td", { class: "error" }, "Could not read the derived figures from /graphql: " + e.message)));
  });
})();
