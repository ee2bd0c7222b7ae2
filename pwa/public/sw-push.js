// @ts-check
// Imported by the generated service worker (workbox.importScripts). Web Push: a push whose
// JSON payload names a request shows a notification, and tapping it opens that request.
// Expected payload: { "title": "...", "body": "...", "requestId": "42", "tag": "..." }.
/// <reference lib="webworker" />
/** @type {ServiceWorkerGlobalScope} */
const sw = /** @type {any} */ (self);

sw.addEventListener('push', (event) => {
  /** @type {{ title?: string, body?: string, requestId?: string, tag?: string, url?: string }} */
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data ? event.data.text() : '' };
  }
  const url = payload.url || (payload.requestId ? `/request/${encodeURIComponent(payload.requestId)}` : '/');
  event.waitUntil(
    sw.registration.showNotification(payload.title || 'Warta', {
      body: payload.body || '',
      icon: '/icons/icon-192.png',
      badge: '/icons/maskable-192.png',
      tag: payload.tag || (payload.requestId ? `request-${payload.requestId}` : undefined),
      data: { url },
    }),
  );
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/';
  event.waitUntil(
    (async () => {
      const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const client of windows) {
        if ('focus' in client) {
          await client.focus();
          if ('navigate' in client) await client.navigate(url);
          return;
        }
      }
      await sw.clients.openWindow(url);
    })(),
  );
});
