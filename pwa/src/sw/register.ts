// The bridge to the service worker: registers it, and tells the shell when an update is
// ready or the app can work offline. Push notifications are shown inside the worker
// (public/sw-push.js, imported by the generated worker); this side subscribes the device with
// the server's VAPID key and registers it for whoever is signed in.
import { registerSW } from 'virtual:pwa-register';
import { mutate, query } from '../graphql/client';
import {
  RegisterPushSubscriptionMutation,
  UnregisterPushSubscriptionMutation,
  VapidPublicKeyQuery,
} from '../graphql/operations';
import { type Session, session } from '../graphql/session';
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

function decodeKey(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = `${base64url}${'='.repeat((4 - (base64url.length % 4)) % 4)}`;
  const raw = atob(padded.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function sameBytes(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
}

/** Subscribes this device to Web Push with the server's VAPID public key (base64url). */
export async function subscribeToPush(
  vapidPublicKey: string,
): Promise<PushSubscriptionJSON | null> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return null;
  const registration = await navigator.serviceWorker.ready;
  const key = decodeKey(vapidPublicKey);
  // A subscription made with another server key (the server's key was replaced) cannot be
  // reused: the browser refuses to subscribe again until it is dropped.
  const existing = await registration.pushManager.getSubscription();
  if (existing && !sameBytes(existing.options.applicationServerKey, key)) {
    await existing.unsubscribe();
  }
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: key,
  });
  return subscription.toJSON();
}

/** Whether this browser can show pushed notifications at all. */
export function pushSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window
  );
}

/**
 * Registers this device with the server for the signed-in person, when notifications are
 * allowed. Doing it again is harmless (the server renews the device) and keeps the server's
 * copy current when the browser has rotated the subscription.
 */
export async function registerPush(): Promise<boolean> {
  if (!pushSupported() || Notification.permission !== 'granted' || !session.get()) return false;
  const { vapidPublicKey } = await query(VapidPublicKeyQuery, {});
  const subscription = await subscribeToPush(vapidPublicKey);
  const endpoint = subscription?.endpoint;
  const p256dh = subscription?.keys?.p256dh;
  const auth = subscription?.keys?.auth;
  if (!endpoint || !p256dh || !auth) return false;
  await mutate(RegisterPushSubscriptionMutation, { endpoint, p256dh, auth });
  return true;
}

/** Asks for permission (call it from a tap), then registers the device. */
export async function enablePush(): Promise<boolean> {
  if (!pushSupported()) return false;
  const permission = await Notification.requestPermission();
  return permission === 'granted' ? registerPush() : false;
}

/**
 * Stops pushes to this device, before signing out: the next person on this phone must not
 * see the last one's notifications. The server forgets the device; the browser drops the
 * subscription even when the server cannot be told (offline), and the push service then
 * answers 410, which makes the server forget it too.
 */
export async function unregisterPush(): Promise<void> {
  if (!pushSupported()) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return;
  await mutate(UnregisterPushSubscriptionMutation, { endpoint: subscription.endpoint }).catch(
    () => undefined,
  );
  await subscription.unsubscribe().catch(() => false);
}

/** Registers the device whenever someone signs in, and at start for a phone still signed in. */
export function startPush(): void {
  let user: string | null = null;
  const sync = (next: Session | null): void => {
    const id = next?.user.id ?? null;
    if (id && id !== user) {
      // Best effort: no permission, no push service or offline all just mean no pushes.
      registerPush().catch(() => undefined);
    }
    user = id;
  };
  sync(session.get());
  session.subscribe(sync);
}
