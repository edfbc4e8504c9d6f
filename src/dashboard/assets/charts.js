/* global uPlot, document, window */
// Draws every .chart[data-chart] from the JSON embedded in the page: shaded windows and labelled deploy markers.
(function () {
  "use strict";
  var COLORS = { errorRate: "#c62828", latency: "#1565c0" };
  var BAND_FILL = { baseline: "rgba(120,120,120,0.16)", analysis: "rgba(21,101,192,0.13)" };

  function label(over, cls, text, left) {
    var el = document.createElement("div");
    el.className = cls;
    el.textContent = text;
    el.style.left = left + "px";
    over.appendChild(el);
    return el;
  }

  // Window bands behind the lines, deploy markers over them; labels are HTML so they can be read and selected.
  function decorate(data) {
    return {
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
          data.bands.forEach(function (b) {
            var x0 = u.valToPos(b.from, "x", true), x1 = u.valToPos(b.to, "x", true);
            ctx.fillStyle = BAND_FILL[b.kind];
            ctx.fillRect(x0, top, x1 - x0, height);
          });
        }],
        draw: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = "#222";
          ctx.lineWidth = 2 * uPlot.pxRatio;
          ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
          data.markers.forEach(function (m) {
            var x = Math.round(u.valToPos(m.at, "x", true));
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
          });
          ctx.restore();
          u.over.querySelectorAll(".marker-label, .band-label").forEach(function (el) { el.remove(); });
          data.bands.forEach(function (b) {
            label(u.over, "band-label band-" + b.kind, b.label, Math.max(0, u.valToPos(b.from, "x")) + 4);
          });
          data.markers.forEach(function (m) {
            var x = u.valToPos(m.at, "x");
            var el = label(u.over, "marker-label", m.label, x + 4);
            if (x + 4 + el.offsetWidth > u.over.clientWidth) el.style.left = Math.max(0, x - 4 - el.offsetWidth) + "px";
          });
        }],
      },
    };
  }

  // 24-hour times in the page's zone (data.zone, UTC when absent), with the date under the first tick of each day.
  function timeLabels(zone) {
    var fmt = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    return function (u, splits) {
      var lastDay = null;
      return splits.map(function (ts) {
        var p = {};
        fmt.formatToParts(new Date(ts * 1000)).forEach(function (x) { p[x.type] = x.value; });
        var day = p.month + "-" + p.day;
        var text = p.hour + ":" + p.minute + (day !== lastDay ? "\n" + day : "");
        lastDay = day;
        return text;
      });
    };
  }

  function draw(el) {
    var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    var key = el.dataset.series;
    var values = data[key];
    var unit = key === "errorRate" ? " %" : " ms";
    var opts = {
      width: Math.max(280, el.clientWidth),
      height: el.clientWidth < 500 ? 180 : 220,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), data.zone || "Etc/UTC"); },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max * 1.15, key === "errorRate" ? 1 : 10)]; } } },
      series: [
        { label: data.labels.time, value: "{YYYY}-{MM}-{DD} {HH}:{mm}" },
        { label: data.labels[key === "errorRate" ? "errors" : "latency"], stroke: COLORS[key], width: 2, fill: COLORS[key] + "14",
          value: function (u, v) { return v == null ? "—" : v.toFixed(key === "errorRate" ? 2 : 0) + unit; } },
      ],
      axes: [{ values: timeLabels(data.zone || "UTC") }, { size: 72, values: function (u, splits) { return splits.map(function (v) { return v + unit; }); } }],
      plugins: [decorate(data)],
    };
    var plot = new uPlot(opts, [data.x, values], el);
    el.classList.add("drawn");
    window.addEventListener("resize", function () {
      plot.setSize({ width: Math.max(280, el.clientWidth), height: opts.height });
    });
  }

  document.querySelectorAll(".chart[data-chart]").forEach(draw);
})();
