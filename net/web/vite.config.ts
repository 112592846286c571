import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

// Output goes to <repo>/build/web; the node serves it with SPA fallback.
const outDir = fileURLToPath(new URL('../../build/web', import.meta.url));

export default defineConfig({
  base: '/',
  plugins: [preact()],
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
