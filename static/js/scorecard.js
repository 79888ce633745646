// Scorecard drafts save themselves a moment after the grader stops typing.
// Without JavaScript the "Save draft" button does the same job.
(function () {
  "use strict";
  var form = document.getElementById("scorecard-form");
  if (!form || !form.dataset.autosaveUrl || !window.fetch) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  var inFlight = false;
  var dirty = false;

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    timer = null;
    if (inFlight) { dirty = true; return; }
    inFlight = true;
    dirty = false;
    var body = new FormData(form);
    body.delete("action");
    say("Saving…");
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": body.get("csrfmiddlewaretoken"), "Accept": "application/json" },
      keepalive: true
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      if (result.data.saved) {
        say("Draft saved at " + result.data.saved_at_label + ".");
      } else if (result.status === 409) {
        say("This scorecard is already submitted; changes here are not saved.");
      } else {
        var errors = result.data.errors || {};
        var first = Object.keys(errors)[0];
        say("Not saved: " + (first ? errors[first][0] : "please check the form") + ".");
      }
    }).catch(function () {
      say("Not saved: the connection dropped. Your answers are still here; it retries on the next change.");
    }).then(function () {
      inFlight = false;
      if (dirty) { schedule(); }
    });
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 800);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  // A pending save is flushed when the grader leaves the page or submits.
  window.addEventListener("pagehide", function () { if (timer) { clearTimeout(timer); save(); } });
  form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); timer = null; } });
})();
