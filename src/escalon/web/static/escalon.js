// Live SLA countdowns. The server renders each one with its state at page time; this
// ticks them on, from the server's "now" (a sandbox runs on a virtual clock), and turns
// them amber at the warning instant and red at the breach, words included.
(function () {
  "use strict";
  function span(ms) {
    var sign = ms < 0 ? "-" : "", s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return d ? sign + d + "d " + h + "h" : sign + h + "h " + (m < 10 ? "0" : "") + m + "m";
  }
  function tick() {
    document.querySelectorAll("time.countdown").forEach(function (el) {
      var started = Number(el.dataset.loaded || (el.dataset.loaded = String(Date.now())));
      var now = Date.parse(el.dataset.now) + (Date.now() - started);
      var due = Date.parse(el.getAttribute("datetime"));
      var warn = el.dataset.warn ? Date.parse(el.dataset.warn) : null;
      var state = el.classList.contains("breached") || now >= due ? "breached"
        : (el.classList.contains("warning") || (warn !== null && now >= warn) ? "warning" : "on-track");
      el.classList.remove("on-track", "warning", "breached");
      el.classList.add(state);
      var label = el.querySelector(".state");
      label.textContent = label.dataset[state === "on-track" ? "onTrack" : state];
      el.querySelector(".left").textContent = span(due - now);
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  setInterval(tick, 1000);
})();
