import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { clientDistDir as clientDir } from '../paths.ts';

/** The app's HTML for a path: the page alone (200), or with another status (e.g. 404 for a course that does not exist). */
export type RenderedPage = string | { html: string; status: number };

/** Paths that always belong to the server, never to the single-page app. */
const SERVER_PREFIXES = ['/api/', '/health/', '/hls/', '/bridges/', '/media/', '/.well-known/'];

/**
 * Serves the built client (Vite output in dist/client) with an SPA fallback: a GET for an unknown non-API path
 * that accepts HTML gets index.html, so deep links work. Hashed assets are cached for a year.
 */
export async function registerClient(
  app: FastifyInstance,
  opts: { notFound: (request: FastifyRequest, reply: FastifyReply) => unknown; renderPage?: (request: FastifyRequest, html: string) => RenderedPage | null },
) {
  const indexPath = path.join(clientDir, 'index.html');
  const built = existsSync(indexPath);
  if (built) {
    await app.register(fastifyStatic, {
      root: clientDir,
      wildcard: false,
      index: false,
      setHeaders: (reply, filePath) => {
        if (filePath.includes(`${path.sep}assets${path.sep}`)) reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }
  const indexHtml = built ? readFileSync(indexPath, 'utf8') : null;

  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0];
    const wantsHtml = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (!wantsHtml || SERVER_PREFIXES.some((p) => url.startsWith(p)) || path.extname(url)) return opts.notFound(request, reply);
    if (!indexHtml) {
      return reply.code(503).type('text/plain').send('The client is not built yet: run `npm run build`.');
    }
    const page = opts.renderPage?.(request, indexHtml) ?? indexHtml;
    const { html, status } = typeof page === 'string' ? { html: page, status: 200 } : page;
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  });
}
