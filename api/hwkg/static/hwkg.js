/* hwkg.js: what the site's pages share. GraphQL over HTTP (POST /graphql), reading every
 * page of a connection, number formatting, and a small DOM builder. No dependencies.
 * Exposes window.hwkg. */
(function () {
  "use strict";

  /* POST a query; resolves to {data, errors} (errors: a list of messages, maybe empty). */
  async function request(query, variables) {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: query, variables: variables || {} }),
    });
    let body;
    try {
      body = await response.json();
    } catch (e) {
      throw new Error("GraphQL answered " + response.status + " without JSON");
    }
    const errors = (body.errors || []).map(function (e) { return e.message; });
    return { data: body.data || null, errors: errors };
  }

  /* POST a query; resolves to its data, rejects with the errors' messages. */
  async function gql(query, variables) {
    const answer = await request(query, variables);
    if (answer.errors.length) throw new Error(answer.errors.join("; "));
    return answer.data;
  }

  /* Every node of a connection: `query` takes $after and answers data[field] with
   * { nodes, pageInfo { hasNextPage endCursor } }. onPage(nodesSoFar, totalCount) reports progress. */
  async function allNodes(query, field, variables, onPage) {
    let after = null;
    const nodes = [];
    for (;;) {
      const data = await gql(query, Object.assign({}, variables || {}, { after: after }));
      const connection = data[field];
      nodes.push.apply(nodes, connection.nodes);
      if (onPage) onPage(nodes, connection.totalCount);
      if (!connection.pageInfo.hasNextPage) return nodes;
      after = connection.pageInfo.endCursor;
    }
  }

  const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

  /* A number for people: "—" for null, separators for thousands, 3–4 significant digits,
   * "3.9 × 10²³" beyond a billion or below a thousandth. */
  function fmt(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) return "—";
    const d = digits || 4;
    const size = Math.abs(value);
    if (size !== 0 && (size >= 1e9 || size < 1e-3)) {
      const parts = value.toExponential(Math.max(d - 2, 1)).split("e");
      const mantissa = parts[0].replace(/\.?0+$/, "");
      const exponent = String(Number(parts[1])).split("").map(function (c) { return SUPERSCRIPT[c]; }).join("");
      return mantissa + " × 10" + exponent;
    }
    if (size >= 1000) return Math.round(value).toLocaleString("en-US");
    return Number(value.toPrecision(d)).toLocaleString("en-US", { maximumFractionDigits: 6 });
  }

  /* An element: el("a", {href: "/x", class: "y"}, "text", child…). null/false children are skipped. */
  function el(tag, attrs) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      const value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    for (let i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "string" || typeof child === "number"
      ? document.createTextNode(String(child)) : child);
  }

  /* A value with its unit, or "—" whose title is the reason. */
  function valueCell(value, unit, reason, digits) {
    if (value === null || value === undefined) {
      return el("span", { class: "missing", title: reason || "no value" }, "—");
    }
    return el("span", { class: "value" }, fmt(value, digits) + (unit ? " " + unit : ""));
  }

  /* The local page of a chip, by slug. */
  function chipHref(slug) { return "/id/chip/" + encodeURIComponent(slug); }

  /* A link to a source: its title, to its URL when it has one. */
  function sourceLink(source) {
    if (!source) return null;
    const title = source.title || source.url || "source";
    return source.url ? el("a", { href: source.url, rel: "noopener" }, title) : el("span", {}, title);
  }

  /* An absence's kind in words: NotFound says only that the sources read gave no value. */
  const ABSENCE_KINDS = { NotSupported: "not supported", NotPublished: "not published",
    NotFound: "not found in the sources read" };
  function absenceKind(kind) {
    return ABSENCE_KINDS[kind] || kind;
  }

  window.hwkg = {
    request: request, gql: gql, allNodes: allNodes, fmt: fmt, el: el, valueCell: valueCell,
    chipHref: chipHref, sourceLink: sourceLink, absenceKind: absenceKind,
  };
})();
