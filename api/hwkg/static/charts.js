/* charts.js: scatter charts with log scales and the Pareto front marked (Chart.js, served
 * from npm at /assets/chartjs). Exposes hwkg.charts.pareto and hwkg.charts.Scatter. */
(function () {
  "use strict";
  const fmt = window.hwkg.fmt;

  /* The points no other point beats on both axes (ties kept once), in x order.
   * xBetter / yBetter: "low" or "high". */
  function pareto(points, xBetter, yBetter) {
    const xSign = xBetter === "low" ? 1 : -1;
    const ySign = yBetter === "high" ? -1 : 1;
    const sorted = points.slice().sort(function (a, b) {
      return xSign * (a.x - b.x) || ySign * (a.y - b.y) || (a.label < b.label ? -1 : 1);
    });
    const front = [];
    let best = null;
    sorted.forEach(function (p) {
      if (best === null || (yBetter === "high" ? p.y > best : p.y < best)) {
        front.push(p);
        best = p.y;
      }
    });
    return front.sort(function (a, b) { return a.x - b.x; });
  }

  /* Writes the front points' names beside them. */
  const frontLabels = {
    id: "hwkgFrontLabels",
    afterDatasetsDraw: function (chart) {
      const meta = chart.getDatasetMeta(1);
      if (!meta || meta.hidden) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillStyle = "#7a3b00";
      meta.data.forEach(function (element, i) {
        const point = chart.data.datasets[1].data[i];
        const right = element.x < chart.chartArea.right - 110;
        const below = i % 2 === 1 && element.y < chart.chartArea.bottom - 16;
        ctx.textAlign = right ? "left" : "right";
        ctx.fillText(point.label, element.x + (right ? 7 : -7), element.y + (below ? 15 : -6));
      });
      ctx.restore();
    },
  };

  /* A scatter chart on `canvas`: options {xTitle, yTitle, xUnit, yUnit, xBetter, yBetter}.
   * update(points) redraws it with [{x, y, label, slug}] (non-positive values are dropped). */
  function Scatter(canvas, options) {
    this.options = options;
    this.front = [];
    this.chart = new window.Chart(canvas, {
      type: "scatter",
      data: { datasets: [
        { label: "chips", data: [], pointRadius: 4, pointHoverRadius: 6,
          backgroundColor: "rgba(31, 95, 168, 0.55)", borderColor: "rgba(31, 95, 168, 0.9)" },
        { label: "Pareto front", data: [], showLine: true, pointRadius: 6, pointHoverRadius: 8,
          pointStyle: "rectRot", backgroundColor: "#e07b00", borderColor: "#e07b00", borderWidth: 1.5,
          borderDash: [5, 3] },
      ] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: "logarithmic", title: { display: true, text: options.xTitle },
               ticks: { callback: tick } },
          y: { type: "logarithmic", title: { display: true, text: options.yTitle },
               ticks: { callback: tick } },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (item) {
            const p = item.raw;
            return p.label + ": " + fmt(p.x) + " " + options.xUnit + ", " + fmt(p.y) + " " + options.yUnit;
          } } },
        },
      },
      plugins: [frontLabels],
    });
  }

  /* Log-axis tick labels that do not collide: over three decades or more only powers of ten,
   * over one to three 1, 2 and 5 times a power of ten, within a decade round values at
   * least a sixth of the axis apart. */
  function tick(value, index, ticks) {
    const logs = ticks.map(function (t) { return Math.log10(t.value); });
    const span = logs[logs.length - 1] - logs[0];
    const allowed = span >= 3 ? [1] : span >= 1 ? [1, 2, 5] : null;
    let last = -Infinity;
    let shown = false;
    for (let i = 0; i <= index; i++) {
      const lead = ticks[i].value / Math.pow(10, Math.floor(logs[i] + 1e-9));
      const nice = allowed
        ? allowed.some(function (n) { return Math.abs(lead - n) < 1e-6; })
        : Math.abs(lead - Math.round(lead)) < 1e-6 && logs[i] - last >= span / 6;
      if (nice) last = logs[i];
      shown = nice && i === index;
    }
    return shown ? fmt(Number(value), 3) : "";
  }

  /* Axis limits a little beyond the data (in log space), so no point sits on the frame. */
  function limits(values) {
    if (!values.length) return { min: undefined, max: undefined };
    const lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    const pad = Math.max(Math.pow(hi / lo, 0.08), 1.6);
    return { min: lo / pad, max: hi * pad };
  }

  Scatter.prototype.update = function (points) {
    const usable = points.filter(function (p) { return p.x > 0 && p.y > 0; });
    this.front = pareto(usable, this.options.xBetter, this.options.yBetter);
    const onFront = new Set(this.front);
    this.chart.data.datasets[0].data = usable.filter(function (p) { return !onFront.has(p); });
    this.chart.data.datasets[1].data = this.front;
    const scales = this.chart.options.scales;
    Object.assign(scales.x, limits(usable.map(function (p) { return p.x; })));
    Object.assign(scales.y, limits(usable.map(function (p) { return p.y; })));
    this.chart.update("none");
    return usable.length;
  };

  window.hwkg.charts = { pareto: pareto, Scatter: Scatter };
})();
