// Service worker: shows each push message (JSON from the platform) and opens
// its link in the portal when the notification is clicked.
self.addEventListener('push', function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: 'caas', body: event.data && event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || 'caas', {
    body: data.body || '',
    tag: data.notification_id,
    data: { url: data.url || '/' }
  }));
});
self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  event.waitUntil(clients.openWindow(event.notification.data.url));
});
