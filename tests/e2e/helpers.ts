/**
 * End-to-end harness: the real app (built client, real migrations on a temporary SQLite file) listening on
 * 127.0.0.1, driven by the system's Chromium through playwright-core. No browser is ever downloaded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { openDb, type Db } from '../../db/client.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import type { App } from '../../server/http.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const root = fileURLToPath(new URL('../..', import.meta.url));
export const artifactsDir = path.join(root, 'tests', 'artifacts');

/** describe() for an e2e suite; skipped, with the reason in its name, only when Chromium is not installed. */
export function describeE2e(name: string, fn: () => void) {
  if (hasChromium) describe(name, fn);
  else describe.skip(`${name} [skipped: ${CHROMIUM} not found; install Debian's chromium to run e2e tests]`, fn);
}

export const PASSWORD = 'correct horse battery staple';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export interface E2eServer {
  app: App;
  db: Db;
  config: Config;
  baseUrl: string;
  close: () => Promise<void>;
}

/** Builds the client if it is missing or stale, then starts the real app on a free port. */
export async function startServer(env: Record<string, string> = {}): Promise<E2eServer> {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-client-if-needed.mjs')], { cwd: root, stdio: 'inherit' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'leerpad-e2e-'));
  // The port must be known before the app is built: BASE_URL decides which Origin the CSRF check accepts.
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    SCRYPT_LOG_N: '10',
    LEERPAD_DEMO: 'false',
    BASE_URL: baseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    RUN_WORKER: 'false',
    LOG_LEVEL: 'silent',
    LOGIN_RATE_PER_IP_PER_MINUTE: '10000',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
  const db = openDb(path.join(dataDir, 'leerpad.db'));
  const app = await buildApp({ config, db });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    db,
    config,
    baseUrl,
    close: async () => {
      await app.close();
      db.$client.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30_000,
  });
}

/** The app and Chromium that an e2e suite shares between its tests. */
export interface Suite {
  server: E2eServer;
  browser: Browser;
}

/** Starts the app, then Chromium (closing the app again if Chromium fails to start). For a suite's beforeAll. */
export async function startSuite(env: Record<string, string> = {}): Promise<Suite> {
  const server = await startServer(env);
  try {
    return { server, browser: await launchBrowser() };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** Closes what startSuite() opened, browser first; safe after a failed start. For a suite's afterAll. */
export async function closeSuite(browser: Browser | undefined, server: E2eServer | undefined) {
  await browser?.close();
  await server?.close();
}

export interface Watched {
  page: Page;
  /** Uncaught exceptions, CSP violations and console errors other than failed HTTP responses. */
  problems: string[];
}

/** A new context and page in Dutch (as a Flemish visitor), watching for script errors and CSP violations. */
export async function newPage(browser: Browser, server: E2eServer, opts: BrowserContextOptions = {}): Promise<Watched & { context: BrowserContext }> {
  const context = await browser.newContext({ baseURL: server.baseUrl, locale: 'nl-BE', viewport: { width: 1280, height: 860 }, ...opts });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // A 4xx answer the page expects (401 from /api/auth/me when logged out, a 400 on a bad form) is logged by
    // Chromium as "Failed to load resource"; that is not a fault of the page.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
  });
  return { context, page, problems };
}

export interface Actor {
  id: string;
  email: string;
  name: string;
  password: string;
  /** "leerpad_session=..." */
  cookie: string;
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}${++counter}.${process.pid}.${Date.now() % 100000}@example.test`;

function cookieFrom(res: Response): string {
  const c = res.headers.getSetCookie().find((h) => h.includes('leerpad_session='));
  if (!c) throw new Error(`no session cookie (${res.status})`);
  return c.split(';')[0];
}

/** Registers through the API (Node's fetch sends no Origin, like any non-browser client); roles set in the DB. */
export async function registerViaApi(
  server: E2eServer,
  opts: { name?: string; email?: string; password?: string; roles?: string[]; institutionId?: string | null } = {},
): Promise<Actor> {
  const email = opts.email ?? uniqueEmail();
  const name = opts.name ?? 'Test User';
  const password = opts.password ?? PASSWORD;
  const res = await fetch(`${server.baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  const { user } = (await res.json()) as { user: { id: string } };
  if (opts.roles || opts.institutionId) {
    server.db.$client
      .prepare('UPDATE users SET roles = ?, institution_id = ? WHERE id = ?')
      .run(JSON.stringify(opts.roles ?? []), opts.institutionId ?? null, user.id);
  }
  return { id: user.id, email, name, password, cookie: cookieFrom(res) };
}

/** A second session for an existing account, as if logged in on another device. */
export async function loginViaApi(server: E2eServer, email: string, password: string, userAgent = 'Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0'): Promise<string> {
  const res = await fetch(`${server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return cookieFrom(res);
}

/** GET an API path with a session cookie; returns the status. */
export async function apiStatus(server: E2eServer, apiPath: string, cookie: string): Promise<number> {
  const res = await fetch(`${server.baseUrl}${apiPath}`, { headers: { cookie } });
  await res.arrayBuffer();
  return res.status;
}

/** Puts an API session into the browser, so a test can start logged in. */
export async function useSession(context: BrowserContext, server: E2eServer, cookie: string) {
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name, value, url: server.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
}

/** A new page (see newPage) already logged in with an API session, as `actor` would be. */
export async function newPageAs(browser: Browser, server: E2eServer, actor: Pick<Actor, 'cookie'>, opts: BrowserContextOptions = {}) {
  const watched = await newPage(browser, server, opts);
  await useSession(watched.context, server, actor.cookie);
  return watched;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page and fails on serious or critical violations. The script is evaluated through the
 * DevTools protocol, which the page's CSP does not govern (a <script> tag with inline content would be refused,
 * and bypassCSP would hide the app's own CSP mistakes), so the page is tested under its real policy.
 */
export async function expectAccessible(page: Page, label: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !bad.includes(v));
  if (minor.length) console.warn(`axe (${label}) minor:`, minor.map((v) => `${v.id}: ${v.nodes.join(', ')}`).join('; '));
  expect(bad.map((v) => `${v.impact} ${v.id}: ${v.help} -> ${v.nodes.join(', ')}`), `axe on ${label}`).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

/**
 * Opens `url` and sums the gzipped size of every script the page loads (the budget: 40 KB for pages without
 * video). Sizes are measured on the bodies received, so lazy chunks count once they are fetched.
 */
export async function scriptBytes(page: Page, open: () => Promise<void>): Promise<{ files: Record<string, number>; gzip: number }> {
  const files: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const onResponse = (res: import('playwright-core').Response) => {
    if (res.request().resourceType() !== 'script') return;
    pending.push(res.body().then((b) => {
      files[new URL(res.url()).pathname] = gzipSync(b).length;
    }));
  };
  page.on('response', onResponse);
  await open();
  await Promise.all(pending);
  page.off('response', onResponse);
  return { files, gzip: Object.values(files).reduce((a, b) => a + b, 0) };
}
