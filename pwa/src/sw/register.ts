// The bridge to the service worker: registers it, and tells the shell when an update is
// ready or the app can work offline. Push notifications are handled inside the worker
// (public/sw-push.js, imported by the generated worker); `subscribeToPush` is ready for the
// server side (VAPID key, subscription endpoint) once it exists.
import { registerSW } from 'virtual:pwa-register';
import { createStore } from '../lib/store';

export const needRefresh = createStore(false);
export const offlineReady = createStore(false);

let update: ((reload?: boolean) => Promise<void>) | null = null;

export function startServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  update = registerSW({
    immediate: true,
    onNeedRefresh: () => needRefresh.set(true),
    onOfflineReady: () => offlineReady.set(true),
  });
}

export function applyUpdate(): void {
  void update?.(true);
}

/** Subscribes this device to Web Push with the server's VAPID public key (base64url). */
export async function subscribeToPush(
  vapidPublicKey: string,
): Promise<PushSubscriptionJSON | null> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return null;
  const registration = await navigator.serviceWorker.ready;
  const padded = `${vapidPublicKey}${'='.repeat((4 - (vapidPublicKey.length % 4)) % 4)}`;
  const raw = atob(padded.replace(/-/g, '+').replace(/_/g, '/'));
  const key = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: key,
  });
  return subscription.toJSON();
}
