// Small progressive enhancements; the site works without them.
(function () {
  "use strict";
  // Preselect the browser's time zone in time-zone pickers that still show the default.
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = null; }
  if (zone) {
    document.querySelectorAll("select[data-browser-timezone]").forEach(function (select) {
      var untouched = !select.dataset.userSet && (select.value === "UTC" || select.value === "");
      var hasOption = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
      if (untouched && hasOption && select.closest("form") && !select.closest("form").dataset.keepTimezone) {
        select.value = zone;
      }
    });
  }
  // Copy-on-focus for read-only addresses (calendar feed).
  document.querySelectorAll("input.copyable").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
