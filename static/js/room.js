// The interview room: phase timer, autosaving notes, the "started designing" button.
// Everything here enhances plain forms; without JS the forms still post and redirect.
(function () {
  "use strict";
  var dataNode = document.getElementById("room-data");
  if (!dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  // Trust the server's clock: a laptop a few minutes off would otherwise skew every phase.
  var skew = Date.parse(data.now) - Date.now();
  var now = function () { return Date.now() + skew; };
  var rounds = data.rounds.map(function (r) {
    return { number: r.number, starts: Date.parse(r.starts), ends: Date.parse(r.ends), phases: r.phases };
  });
  var current = rounds.filter(function (r) { return r.number === data.current; })[0] || rounds[0];

  var phaseEl = document.getElementById("timer-phase");
  var clockEl = document.getElementById("timer-clock");
  var totalEl = document.getElementById("timer-total");
  var announcementEl = document.getElementById("timer-announcement");

  // The clock changes every second and is no live region; this polite one speaks
  // only when the phase changes (not on the first tick: the page has just said it).
  var stage = null;
  function announce(key, text) {
    if (stage !== null && key !== stage && announcementEl) {
      announcementEl.textContent = text;
    }
    stage = key;
  }

  function mmss(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    if (s >= 86400) { return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h"; }
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (h ? h + ":" + pad(m) : m) + ":" + pad(sec);
  }

  function markPhase(key) {
    document.querySelectorAll('.phases[data-round="' + current.number + '"] .phase').forEach(function (li) {
      var on = li.dataset.phase === key;
      li.classList.toggle("phase-current", on);
      if (on) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
    });
  }

  var switching = false;
  function tick() {
    var t = now();
    if (t < current.starts) {
      phaseEl.textContent = rounds.length > 1 && current.number > 1 ? "Round " + current.number + " starts in" : "Starts in";
      clockEl.textContent = mmss(current.starts - t);
      totalEl.textContent = "";
      markPhase(null);
      announce("waiting", "");
      return;
    }
    if (t >= current.ends) {
      var next = rounds.filter(function (r) { return r.number === current.number + 1; })[0];
      if (next && !switching) {
        // Half time in a swap: save the notes, then reload so the roles, question and notes switch.
        switching = true;
        phaseEl.textContent = "Switching roles…";
        clockEl.textContent = "";
        announce("switching", "Round " + current.number + " is over: switching roles.");
        saveAll().then(function () { window.location.reload(); }, function () { window.location.reload(); });
        return;
      }
      if (!next) {
        phaseEl.textContent = "Time is up";
        clockEl.textContent = "0:00";
        totalEl.textContent = "Wrap up and write your scorecard while it's fresh.";
        markPhase(null);
        announce("over", "Time is up. Wrap up and write your scorecard while it's fresh.");
      }
      return;
    }
    var minute = (t - current.starts) / 60000;
    var phase = current.phases.filter(function (p) { return minute >= p.start && minute < p.end; })[0]
      || current.phases[current.phases.length - 1];
    phaseEl.textContent = phase.title;
    clockEl.textContent = mmss(current.starts + phase.end * 60000 - t);
    totalEl.textContent = mmss(current.ends - t) + " left in " + (rounds.length > 1 ? "this round" : "the interview");
    markPhase(phase.key);
    var minutes = Math.round(phase.end - phase.start);
    announce(current.number + ":" + phase.key, "Now: " + phase.title + ", " + minutes + " minutes.");
  }
  tick();
  setInterval(tick, 1000);

  // --- Notes pads -----------------------------------------------------------
  function post(form, body) {
    return fetch(form.action, {
      method: "POST",
      body: body || new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) { throw new Error(json.error || "Not saved"); }
        return json;
      });
    });
  }

  var pads = Array.prototype.slice.call(document.querySelectorAll("form[data-autosave]"));
  function save(form) {
    var status = form.querySelector(".notes-status");
    form.dataset.dirty = "";
    status.textContent = "Saving…";
    return post(form).then(function (json) {
      status.textContent = "Saved " + json.saved_at_label;
    }, function (err) {
      form.dataset.dirty = "1";
      status.textContent = "Not saved (" + err.message + "); retrying…";
    });
  }
  function saveAll() {
    return Promise.all(pads.filter(function (f) { return f.dataset.dirty; }).map(save));
  }
  pads.forEach(function (form) {
    var timer = null;
    var textarea = form.querySelector("textarea");
    textarea.addEventListener("input", function () {
      form.dataset.dirty = "1";
      form.querySelector(".notes-status").textContent = "Editing…";
      clearTimeout(timer);
      timer = setTimeout(function () { save(form); }, 1000);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      save(form);
    });
  });
  // Retry unsaved notes every few seconds (a dropped connection shouldn't lose them).
  setInterval(saveAll, 5000);
  // Notes still unsaved when the page goes leave with it (a beacon), and are kept
  // in this tab too: the page that follows (a reload, a form's redirect back) can
  // be answered before the beacon's save is, and would show the notes without
  // them, which its next autosave would then write back.
  var KEPT_FOR_MS = 30000;
  function keptKey(form) { return "room-notes:" + form.action; }
  window.addEventListener("pagehide", function () {
    pads.filter(function (f) { return f.dataset.dirty; }).forEach(function (form) {
      if (navigator.sendBeacon) { navigator.sendBeacon(form.action, new FormData(form)); }
      try {
        sessionStorage.setItem(keptKey(form), JSON.stringify({
          text: form.querySelector("textarea").value, at: Date.now()
        }));
      } catch (e) { /* storage off: the beacon alone */ }
    });
  });
  pads.forEach(function (form) {
    var kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(keptKey(form)) || "null");
      sessionStorage.removeItem(keptKey(form));
    } catch (e) { kept = null; }
    var textarea = form.querySelector("textarea");
    if (kept && Date.now() - kept.at < KEPT_FOR_MS && kept.text !== textarea.value) {
      textarea.value = kept.text;
      save(form);
    }
  });

  // --- "Candidate started designing" ---------------------------------------
  document.querySelectorAll("form[data-design-started]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
      post(form).then(function (json) {
        form.innerHTML = '<p class="design-result"><strong>' + json.clarifying_minutes +
          " minutes</strong> of clarifying came first.</p>";
      }, function (err) {
        if (button) { button.disabled = false; }
        var help = form.querySelector(".design-result");
        if (help) { help.textContent = err.message; }
      });
    });
  });
})();
