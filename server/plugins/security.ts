import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import { AppError } from '../errors.ts';
import type { Config } from '../config.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF defence without tokens: browsers say where an unsafe request comes from (Sec-Fetch-Site, Origin), and a
 * page on another site cannot suppress or forge those headers. Anything not from our own origin is refused.
 * A request with neither header does not come from a browser, so it carries no ambient cookie to abuse.
 */
export function isCrossSiteRequest(headers: Record<string, string | string[] | undefined>, allowedOrigins: Set<string>): boolean {
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return true;
  const origin = headers.origin;
  if (typeof origin === 'string' && !allowedOrigins.has(origin)) return true;
  return false;
}

export async function registerSecurity(app: FastifyInstance, config: Config) {
  const allowed = new Set([new URL(config.baseUrl).origin]);
  app.addHook('onRequest', async (request) => {
    if (!UNSAFE.has(request.method)) return;
    if (isCrossSiteRequest(request.headers, allowed)) {
      throw new AppError(403, 'LEERPAD_CSRF', 'Forbidden', 'Cross-site requests that change data are refused.');
    }
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    // Video segments and posters may be embedded from our own origin only; HSTS only makes sense over https.
    strictTransportSecurity: config.baseUrl.startsWith('https://'),
    crossOriginEmbedderPolicy: false,
  });
}
