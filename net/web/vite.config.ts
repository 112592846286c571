import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';

// Output goes to <repo>/build/web; the node serves it with SPA fallback.
const outDir = fileURLToPath(new URL('../../build/web', import.meta.url));

export default defineConfig({
  base: '/',
  plugins: [
    preact(),
    // The installable app (docs/mobile.md): the manifest, and src/pwa/sw.ts built to /sw.js with
    // the app shell's precache list injected. main.tsx registers it (injectRegister: false).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/pwa',
      filename: 'sw.ts',
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      includeAssets: ['icons/icon.svg', 'icons/apple-touch-icon.png'],
      manifest: {
        id: '/',
        name: 'AeThex LIVE',
        short_name: 'AeThex',
        description: 'Live streams, chat and clips.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        // styles.css: --bg-raised (the top bar) and --bg.
        theme_color: '#18181b',
        background_color: '#0e0e10',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // hls.js and the page chunks are the shell too: the largest is ~1 MB.
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    // hls.js is large; keep it in its own long-cacheable chunk.
    chunkSizeWarningLimit: 1024,
    rollupOptions: { output: { manualChunks: { hls: ['hls.js'] } } },
  },
  server: {
    // `npm run dev` proxies the backend at AETHEX_BACKEND (default :8080); /clips itself is a page.
    proxy: Object.fromEntries(
      ['/api', '/hls', '/thumb', '/vod', '/ws', '^/clips/', '/embed/'].map((p) => [
        p,
        { target: process.env.AETHEX_BACKEND ?? 'http://127.0.0.1:8080', ws: p === '/ws' },
      ]),
    ),
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
