import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// `npm run dev` proxies the API to a local `warta serve` (WARTA_API, default :8080).
const api = process.env.WARTA_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [
    preact(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
      manifest: {
        id: '/',
        name: 'Warta — Humas Universitas Jember',
        short_name: 'Warta',
        description: 'Permohonan publikasi Humas Universitas Jember, dari disposisi sampai arsip.',
        lang: 'id',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#0b57a4',
        theme_color: '#0b57a4',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Without these two a new worker waits for every tab to close and never controls
        // the page that registered it.
        clientsClaim: true,
        skipWaiting: true,
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/graphql/, /^\/attachments\//, /^\/healthz/, /^\/readyz/, /^\/metrics/],
        // Push and notification clicks (see public/sw-push.js).
        importScripts: ['/sw-push.js'],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  build: { target: 'es2022', sourcemap: false },
  server: {
    proxy: {
      '/graphql': { target: api, ws: true },
      '/attachments': api,
    },
  },
});
