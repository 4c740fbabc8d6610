import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmetCore from 'helmet';
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

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: none of helmet's document headers (CSP, frame, referrer policies...) on this route's answers. */
    securityHeaders?: false;
  }
}

export async function registerSecurity(app: FastifyInstance, config: Config) {
  const allowed = new Set([new URL(config.baseUrl).origin]);
  // A callback hook, not an async one: it runs on every request (media included) and a safe method returns at once.
  app.addHook('onRequest', (request, _reply, done) => {
    if (UNSAFE.has(request.method) && isCrossSiteRequest(request.headers, allowed)) {
      done(new AppError(403, 'LEERPAD_CSRF', 'Forbidden', 'Cross-site requests that change data are refused.'));
      return;
    }
    done();
  });

  const helmetOptions = {
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
  };
  // helmet's headers never vary (no per-request nonce), so they are computed once and set by one callback hook.
  // @fastify/helmet would run helmet() anew per request (~25 us, more than a whole bare Fastify request) and add
  // an async hook to every route. A route without a document body (media, 204s) opts out with
  // `config: { securityHeaders: false }` and sets what still matters to it itself.
  const headers = precomputedHelmetHeaders(helmetOptions);
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config?.securityHeaders !== false) reply.headers(headers);
    done();
  });
}

/** The headers helmet() would set, captured once. Valid because no directive is a per-request function (nonce). */
function precomputedHelmetHeaders(options: Parameters<typeof helmetCore>[0]): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmetCore(options)({} as IncomingMessage, res as unknown as ServerResponse, () => {});
  return headers;
}
