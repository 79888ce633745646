// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch (e) {
      return null;
    }
  }

  // The zone picker is an <input list> over a <datalist> of current zone names.
  function hasOption(input, value) {
    var list = input.list;
    return !!list && Array.prototype.some.call(list.options, function (o) { return o.value === value; });
  }

  var zone = browserZone();

  // The phone menu: a disclosure button whose aria-expanded says whether the menu shows.
  document.querySelectorAll("button.nav-toggle[aria-controls]").forEach(function (toggle) {
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) { return; }
    function show(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      show(toggle.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        show(false);
        toggle.focus();
      }
    });
  });

  // Panels that fold on a phone (the Find filters, the room's plan) are sent
  // folded and open here when the screen is wide enough to show them beside the rest.
  var wide = window.matchMedia("(min-width: 861px)");
  document.querySelectorAll("details[data-open-when-wide]").forEach(function (details) {
    if (wide.matches) { details.open = true; }
  });

  // Sign-up: the server marks a fresh form's zone picker; preselect this device's zone.
  document.querySelectorAll("input[data-browser-timezone]").forEach(function (select) {
    if (zone && hasOption(select, zone)) {
      select.value = zone;
    }
  });

  // Profile: never change a saved zone silently; offer this device's zone when it differs.
  document.querySelectorAll("input[data-suggest-browser-timezone]").forEach(function (select) {
    if (!zone || select.value === zone || !hasOption(select, zone)) {
      return;
    }
    var hint = document.createElement("p");
    hint.className = "help timezone-hint";
    hint.appendChild(document.createTextNode("This device is set to " + zone.replace(/_/g, " ") + ". "));
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary button-small";
    button.textContent = "Use " + zone.replace(/_/g, " ");
    button.addEventListener("click", function () {
      select.value = zone;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      hint.remove();
      select.focus();
    });
    hint.appendChild(button);
    select.insertAdjacentElement("afterend", hint);
    select.addEventListener("change", function () {
      if (select.value === zone && hint.isConnected) {
        hint.remove();
      }
    });
  });

  // Read-only addresses (the calendar feed): select all on focus, ready to copy.
  document.querySelectorAll("input.copyable").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  // Put the first field with an error in front of the person who has to fix it.
  var invalid = document.querySelector("main [aria-invalid=true]");
  if (invalid) {
    invalid.focus();
  }
})();
