import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

/**
 * The client build. `npm run dev` serves the API on :3000; `npx vite` serves the client on :5173 and proxies the
 * server paths. The server refuses unsafe requests from another origin, so the proxy presents the API's own origin.
 */
const api = process.env.LEERPAD_API ?? 'http://127.0.0.1:3000';
const proxy = {
  target: api,
  changeOrigin: true,
  configure: (p: { on: (event: 'proxyReq', cb: (req: { setHeader: (k: string, v: string) => void; removeHeader: (k: string) => void }) => void) => void }) => {
    p.on('proxyReq', (req) => {
      req.setHeader('origin', new URL(api).origin);
      req.removeHeader('sec-fetch-site');
    });
  },
};

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Never inline assets as data: URLs in scripts; the CSP allows data: images only, and files cache better.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': proxy, '/hls': proxy, '/health': proxy, '/media': proxy },
  },
});
