// The time report page's timeline: one lane per worker, bars drawn from the embedded spans.
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var timeline = document.getElementById("timeline");
  var tip = document.getElementById("tip");
  var zoom = document.getElementById("zoom");
  var total = Math.max(data.duration, 1e-6);

  function percent(seconds) { return (100 * seconds / total) + "%"; }

  function duration(seconds) {
    return seconds < 1 ? (seconds * 1000).toFixed(1) + " ms" : seconds.toFixed(2) + " s";
  }

  function add(tag, className, parent, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) { node.textContent = text; }
    parent.appendChild(node);
    return node;
  }

  function tickStep(seconds, count) {
    var raw = seconds / count;
    var power = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var multiples = [1, 2, 5, 10];
    for (var i = 0; i < multiples.length; i++) {
      if (power * multiples[i] >= raw) { return power * multiples[i]; }
    }
    return power * 10;
  }

  var axisRow = add("div", "axis", timeline);
  add("div", "gutter", axisRow);
  var axis = add("div", "track", axisRow);

  function drawTicks() {
    axis.textContent = "";
    var count = Math.max(4, Math.round(axis.clientWidth / 90));
    var step = tickStep(total, count);
    for (var at = 0; at <= total; at += step) {
      add("div", "tick", axis, at < 1 && step < 1 ? (at * 1000).toFixed(0) + " ms" : at.toFixed(step < 1 ? 1 : 0) + " s")
        .style.left = percent(at);
    }
  }

  var rowOfKind = {};
  data.rows.forEach(function (row, index) {
    row[1].forEach(function (kind) { rowOfKind[kind] = index; });
  });

  var rowsByLane = {};
  data.lanes.forEach(function (lane) {
    var laneNode = add("div", "lane", timeline);
    laneNode.setAttribute("data-lane", lane[0]);
    add("div", "lane-name", laneNode, lane[1]);
    rowsByLane[lane[0]] = data.rows.map(function (row) {
      var rowNode = add("div", "row", laneNode);
      add("div", "gutter", rowNode, row[0]);
      return add("div", "track", rowNode);
    });
  });

  data.spans.forEach(function (span, index) {
    var rows = rowsByLane[span[0]];
    var row = rowOfKind[span[1]];
    if (rows === undefined || row === undefined) { return; }
    var bar = add("div", "bar", rows[row]);
    bar.style.left = percent(span[3]);
    bar.style.width = percent(span[4] - span[3]);
    bar.style.background = span[1] === "test" ? (data.outcomes[span[5]] || data.outcomes[""])
                                              : (data.colors[span[1]] || "#999");
    bar.setAttribute("data-i", index);
  });

  // Rows a lane never used (a worker's database row, the main process's tests) take no room.
  Object.keys(rowsByLane).forEach(function (lane) {
    rowsByLane[lane].forEach(function (track) {
      if (!track.firstChild) { track.parentNode.parentNode.removeChild(track.parentNode); }
    });
  });

  function describe(span) {
    var kind = span[1] + (span[5] ? " (" + span[5] + ")" : "");
    var times = duration(span[4] - span[3]) + ", from " + duration(span[3]);
    return span[2] ? span[2] + "\n" + kind + ": " + times : kind + ": " + times;
  }

  timeline.addEventListener("mousemove", function (event) {
    var index = event.target.getAttribute && event.target.getAttribute("data-i");
    if (index === null || index === undefined) { tip.style.display = "none"; return; }
    tip.textContent = describe(data.spans[Number(index)]);
    tip.style.display = "block";
    tip.style.whiteSpace = "pre";
    tip.style.left = Math.min(event.clientX + 12, window.innerWidth - tip.offsetWidth - 4) + "px";
    tip.style.top = (event.clientY + 14) + "px";
  });
  timeline.addEventListener("mouseleave", function () { tip.style.display = "none"; });

  zoom.addEventListener("input", function () {
    timeline.style.width = (100 * Number(zoom.value)) + "%";
    drawTicks();
  });
  drawTicks();
}());
