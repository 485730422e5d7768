// Admin dashboard charts. The data comes from a <script type="application/json"> block
// named by the canvas's data-chart-source, so the page needs no inline script (CSP).
(function () {
  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function salesChart(canvas, data) {
    var money = new Intl.NumberFormat(undefined, { style: "currency", currency: data.currency });
    // Days are UTC calendar days: format them in UTC so no browser time zone shifts them.
    var dayLabel = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
    var labels = data.labels.map(function (day) { return dayLabel.format(new Date(day + "T00:00:00Z")); });
    return new window.Chart(canvas, {
      data: {
        labels: labels,
        datasets: [
          { type: "bar", label: data.series.orders, data: data.orders, yAxisID: "orders", backgroundColor: "rgba(13, 110, 253, 0.5)" },
          { type: "line", label: data.series.gmv, data: data.gmv, yAxisID: "gmv", borderColor: "#198754", backgroundColor: "#198754", cubicInterpolationMode: "monotone" }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          orders: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 } },
          gmv: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
                 ticks: { callback: function (value) { return money.format(value); } } }
        },
        plugins: {
          tooltip: { callbacks: { label: function (ctx) {
            var value = ctx.dataset.yAxisID === "gmv" ? money.format(ctx.parsed.y) : ctx.parsed.y;
            return ctx.dataset.label + ": " + value;
          } } }
        }
      }
    });
  }

  var builders = { sales: salesChart };

  function draw() {
    if (!window.Chart) { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var build = builders[canvas.dataset.chart];
      var data = readJson(canvas.dataset.chartSource);
      if (build && data && !canvas.dataset.drawn) {
        build(canvas, data);
        canvas.dataset.drawn = "true";
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
  // A boosted navigation swaps the body in without a page load.
  document.addEventListener("htmx:afterSettle", draw);
})();
