import { signal } from '@preact/signals';

/**
 * A tiny History API router. `route` is the current path and query; plain <a href="/..."> links are intercepted
 * by one document-level listener, so pages need no special link component. Paths the server owns (API, docs,
 * media) are left to the browser.
 */
export interface Location {
  path: string;
  query: URLSearchParams;
  hash: string;
}

const SERVER_PATHS = /^\/(api|health|hls|media|bridges|\.well-known)(\/|$)/;

function read(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search), hash: window.location.hash };
}

export const route = signal<Location>({ path: '/', query: new URLSearchParams(), hash: '' });

/** True after a client-side navigation, until the new page has moved focus to its heading. */
let focusPending = false;
export function takeFocusRequest(): boolean {
  const pending = focusPending;
  focusPending = false;
  return pending;
}

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  const url = new URL(to, window.location.href);
  if (url.origin !== window.location.origin || SERVER_PATHS.test(url.pathname)) {
    window.location.assign(url.href);
    return;
  }
  const target = url.pathname + url.search + url.hash;
  const current = window.location.pathname + window.location.search + window.location.hash;
  if (opts.replace || target === current) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  const samePage = url.pathname === route.value.path;
  focusPending = !samePage;
  route.value = read();
  if (!samePage && !url.hash) window.scrollTo(0, 0);
}

/** Only a safe same-site path may be a post-login destination (no //host or scheme tricks). */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : fallback;
}

function onClick(event: MouseEvent) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = (event.target as Element | null)?.closest?.('a');
  if (!a || !a.hasAttribute('href') || a.hasAttribute('download') || (a.target && a.target !== '_self')) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || SERVER_PATHS.test(url.pathname)) return;
  // A link to an anchor on this very page is the browser's job.
  if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

export function startRouter() {
  route.value = read();
  window.addEventListener('popstate', () => {
    focusPending = window.location.pathname !== route.value.path;
    route.value = read();
  });
  document.addEventListener('click', onClick);
}

/** Matches "/courses/:slug" against a path; returns the decoded params or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.replace(/\/+$/, '').split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      try {
        params[p[i].slice(1)] = decodeURIComponent(s[i]);
      } catch {
        return null;
      }
    } else if (p[i] !== s[i]) return null;
  }
  return params;
}
