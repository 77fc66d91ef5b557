// The card form of the payment pages: the gateway's hosted card fields live
// in an iframe of the gateway's origin. Messages are accepted from that
// origin (and that frame) only: on gateway.token the one-time token goes into
// the hidden payment_method field and the form is submitted; gateway.error
// shows the gateway's message; gateway.resize sets the frame's height.
(function () {
  "use strict";
  var frame = document.getElementById("card-fields");
  if (!frame) return;
  var origin = frame.getAttribute("data-gateway-origin");
  var form = frame.closest("form");
  var token = document.getElementById("card-token");
  var error = document.getElementById("card-error");
  var fresh = document.getElementById("card-new");
  if (!form || !token || !origin) return;

  function say(text) {
    error.textContent = text;
    error.hidden = !text;
  }
  function newCardChosen() {
    return !fresh || fresh.checked;
  }

  window.addEventListener("message", function (ev) {
    if (ev.origin !== origin || ev.source !== frame.contentWindow) return;
    var m = ev.data;
    if (!m || typeof m !== "object") return;
    if (m.type === "gateway.token" && typeof m.token === "string" && m.token.indexOf("tok_") === 0) {
      say("");
      token.value = m.token;
      if (fresh) fresh.checked = true;
      form.submit();
    } else if (m.type === "gateway.error") {
      say(typeof m.message === "string" ? m.message : "");
    } else if (m.type === "gateway.resize" && typeof m.height === "number" && m.height > 0) {
      frame.style.height = Math.min(Math.ceil(m.height), 2000) + "px";
    }
  });

  // A new card is sent by the gateway's own button; the page's button is for saved cards.
  form.addEventListener("submit", function (ev) {
    if (newCardChosen() && !token.value) {
      ev.preventDefault();
      say(frame.getAttribute("data-press") || "");
    }
  });
})();
