// The purchase page follows its purchase over Server-Sent Events
// (GET /purchases/{id}/events) and updates the state, the payment and the
// withdrawal deadline in place until the purchase settles (active or final).
(function () {
  "use strict";
  var root = document.getElementById("purchase");
  if (!root || root.dataset.settled === "true" || !window.EventSource) return;
  var es = new EventSource(root.dataset.events);
  function set(id, text) {
    var el = document.getElementById(id);
    if (el) el.textContent = text;
    return el;
  }
  es.addEventListener("state", function (e) {
    var d;
    try { d = JSON.parse(e.data); } catch (_) { return; }
    var badge = set("purchase-state", d.text);
    if (badge) badge.className = "badge " + d["class"];
    root.dataset.state = d.state;
    set("payment-state", d.payment);
    if (d.deadline) {
      set("withdraw-deadline", d.deadline);
      var line = document.getElementById("withdraw-line");
      if (line) line.hidden = false;
    }
    if (d.settled) {
      root.dataset.settled = "true";
      var note = document.getElementById("live-note");
      if (note) note.hidden = true;
      es.close();
    }
  });
})();
