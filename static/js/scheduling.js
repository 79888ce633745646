// Live countdowns on My interviews ("in 2 h 05 min"); the server renders a fallback.
(function () {
  "use strict";
  var nodes = document.querySelectorAll(".countdown[data-starts-at]");
  if (!nodes.length) { return; }
  function label(ms) {
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days) { return "in " + days + " d " + hours + " h"; }
    if (hours) { return "in " + hours + " h " + (mins < 10 ? "0" : "") + mins + " min"; }
    return "in " + mins + " min";
  }
  function update() {
    var t = Date.now();
    nodes.forEach(function (node) {
      var starts = Date.parse(node.dataset.startsAt), ends = Date.parse(node.dataset.endsAt);
      node.textContent = t < starts ? label(starts - t) : (t < ends ? "in progress" : "ended");
    });
  }
  update();
  setInterval(update, 30000);
})();
