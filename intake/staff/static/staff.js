// Show stored UTC instants in the viewer's time zone. Without JavaScript the page keeps
// the server's UTC text, so nothing is lost. No inline scripts: the CSP allows only this file.
(function () {
  "use strict";
  function localize() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    var full = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
    });
    var times = document.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var value = el.getAttribute("datetime");
      if (!value) continue;
      var moment = new Date(value);
      if (isNaN(moment.getTime())) continue;
      el.title = el.textContent + " (" + value + ")";
      el.textContent = full.format(moment);
    }
    var names = document.querySelectorAll("[data-tz-name]");
    for (var j = 0; j < names.length; j++) {
      names[j].textContent = zone ? "your time zone (" + zone + ")" : "your time zone";
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", localize);
  } else {
    localize();
  }
})();
