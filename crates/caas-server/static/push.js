// Registers this browser for Web Push (MOB-2): service worker, subscription
// with the platform's VAPID key, then a form POST (with the CSRF token) that
// stores it. Progressive enhancement: without JavaScript the page still works.
(function () {
  var box = document.getElementById('push-setup');
  if (!box) return;
  var key = box.getAttribute('data-vapid');
  var csrf = box.getAttribute('data-csrf');
  var label = box.getAttribute('data-label') || 'Enable notifications on this device';
  var unsupported = box.getAttribute('data-unsupported') || 'This browser cannot receive push notifications.';
  if (!key || !('serviceWorker' in navigator) || !('PushManager' in window)) {
    box.textContent = unsupported;
    return;
  }
  function b64ToBytes(s) {
    var pad = '='.repeat((4 - (s.length % 4)) % 4);
    var raw = atob((s + pad).replace(/-/g, '+').replace(/_/g, '/'));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  var button = document.createElement('button');
  button.type = 'button';
  button.id = 'push-enable';
  button.textContent = label;
  box.appendChild(button);
  button.addEventListener('click', function () {
    button.disabled = true;
    navigator.serviceWorker.register('/sw.js').then(function (reg) {
      return Notification.requestPermission().then(function () {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64ToBytes(key) });
      });
    }).then(function (sub) {
      var j = sub.toJSON();
      var body = new URLSearchParams();
      body.set('_csrf', csrf);
      body.set('endpoint', j.endpoint);
      body.set('p256dh', j.keys.p256dh);
      body.set('auth', j.keys.auth);
      return fetch('/preferences/push', { method: 'POST', body: body, credentials: 'same-origin' });
    }).then(function () { window.location.reload(); })
      .catch(function (e) { button.disabled = false; box.appendChild(document.createTextNode(' ' + e)); });
  });
})();
