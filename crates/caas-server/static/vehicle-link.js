// Links this phone as a key of the vehicle (DLV-9, MOB-3). WebCrypto creates
// an ECDSA P-256 key pair whose private key is not extractable; the pair is
// kept in IndexedDB, so this device holds its private key, and the public key
// (DER SubjectPublicKeyInfo, standard base64) is posted with the CSRF token
// through the page's own form. A retry while the car has not answered resends
// the key already being installed. Once a key is known, the page says
// whether this device holds its private half. Without JavaScript the page
// explains why linking needs it; the rest of the page works without it.
(function () {
  'use strict';
  if (!window.indexedDB) return;

  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open('caas-vehicle-keys', 1);
      open.onupgradeneeded = function () {
        var store = open.result.createObjectStore('keys', { keyPath: 'publicKey' });
        store.createIndex('order', 'order', { unique: false });
      };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () { resolve(open.result); };
    });
  }

  // Every pair made on this device is kept, keyed by its public key: the
  // one the car installs is always found again.
  function keep(record) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction('keys', 'readwrite');
        tx.objectStore('keys').put(record);
        tx.oncomplete = function () { d.close(); resolve(); };
        tx.onerror = tx.onabort = function () { d.close(); reject(tx.error); };
      });
    });
  }

  function find(publicKey) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var req = d.transaction('keys', 'readonly').objectStore('keys').get(publicKey);
        req.onsuccess = function () { d.close(); resolve(req.result); };
        req.onerror = function () { d.close(); reject(req.error); };
      });
    });
  }

  // Does this device hold the private key of the link?
  var status = document.getElementById('link-status');
  var here = document.getElementById('this-device');
  var linkedKey = status && status.getAttribute('data-key');
  if (linkedKey && here) {
    find(linkedKey).then(function (rec) {
      if (!rec || !rec.keyPair) return;
      here.setAttribute('data-held', 'true');
      here.setAttribute('data-extractable', String(rec.keyPair.privateKey.extractable));
      here.textContent = here.getAttribute('data-here');
      here.hidden = false;
    }).catch(function () {});
  }

  var form = document.getElementById('app-link-form');
  if (!form) return;
  var button = document.getElementById('app-link-submit');
  var note = document.getElementById('app-link-note');
  var field = document.getElementById('public_key');
  var subtle = window.crypto && window.crypto.subtle;

  function say(text) {
    note.textContent = text;
    note.hidden = false;
  }

  if (!subtle) {
    say(form.getAttribute('data-unsupported'));
    return;
  }
  button.disabled = false;

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer);
    var s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }

  function newKey() {
    var pair;
    return subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
      .then(function (kp) {
        pair = kp;
        return subtle.exportKey('spki', kp.publicKey);
      })
      .then(function (spki) {
        var publicKey = toBase64(spki);
        return keep({
          publicKey: publicKey,
          order: form.getAttribute('data-order'),
          vin: form.getAttribute('data-vin'),
          label: (document.getElementById('label') || {}).value || '',
          keyPair: pair,
          createdAt: new Date().toISOString()
        }).then(function () { return publicKey; });
      });
  }

  var busy = false;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (busy) return;
    busy = true;
    button.disabled = true;
    say(form.getAttribute('data-working'));
    var pending = form.getAttribute('data-pending-key');
    var key = pending ? Promise.resolve(pending) : newKey();
    key.then(function (publicKey) {
      field.value = publicKey;
      form.submit();
    }).catch(function (e) {
      busy = false;
      button.disabled = false;
      say(String(e && e.message ? e.message : e));
    });
  });
})();
