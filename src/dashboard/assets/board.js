/* global document, fetch, setTimeout, location, history, sessionStorage, URL, CSS */
// Sends the browser's time zone once (the server shows times in it), then keeps the release board live: polls
// /board.json every 5 s and updates each release's light and sentence in place.
(function () {
  "use strict";
  var shown = document.querySelector("[data-zone]");
  var url = new URL(location.href);
  if (url.searchParams.has("tz")) {
    url.searchParams.delete("tz");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch { zone = ""; }
  // Once per tab: a zone the server does not know must not reload the page forever.
  if (shown && zone && shown.getAttribute("data-zone") !== zone && !sessionStorage.getItem("dg_tz_sent")) {
    sessionStorage.setItem("dg_tz_sent", "1");
    url.searchParams.set("tz", zone);
    location.replace(url.toString());
    return;
  }

  var board = document.querySelector("[data-board]");
  if (!board) return;

  function apply(data) {
    var rows = board.querySelectorAll("[data-release]");
    if (rows.length !== data.releases.length) return location.reload();
    for (var i = 0; i < data.releases.length; i++) {
      var r = data.releases[i];
      var row = board.querySelector('[data-release="' + CSS.escape(r.id) + '"]');
      if (!row) return location.reload();
      var light = row.querySelector(".light");
      if (light.dataset.status !== r.status) {
        light.dataset.status = r.status;
        light.className = "light tone-" + r.tone;
        row.className = "release tone-" + r.tone;
        light.querySelector(".icon").textContent = r.icon;
        light.querySelector(".word").textContent = r.label;
      }
      var summary = row.querySelector(".summary");
      if (summary.textContent !== r.summary) summary.textContent = r.summary;
    }
  }

  function poll() {
    fetch("/board.json", { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (data) { if (data) apply(data); })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .then(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 5000);
})();
