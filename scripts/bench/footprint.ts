/**
 * Issue 2 budgets: cold start to `ready`, idle RSS of the server (<= 100 MB), and the JavaScript that a page
 * without video loads (<= 40 KB gzipped). The ceilings beside them are measured in the same run: a bare Fastify
 * process answering one route (the least a Node web server can weigh) and the fixed budgets.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePort, report, rssMb, sleep, startUntil, stop } from './lib.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));


const BARE = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/health/live', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
`;

/**
 * The node flags `npm start` uses (package.json is the one place they are set). --max-semi-space-size=1 keeps V8's
 * young generation small: an idle server then holds about 50 MB less, for slightly more frequent minor GCs.
 */
const startFlags = (() => {
  const start = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start as string;
  return (/node ((?:--\S+ )*)dist\/server\/main\.mjs/.exec(start)?.[1] ?? '').split(' ').filter(Boolean);
})();

/** Jobs still to run (the demo video's transcode after seeding): their work is not what "idle" measures. */
function pendingJobs(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM jobs WHERE status IN ('queued', 'running')`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function measure(args: string[], env: Record<string, string>, opts: { drainJobs?: string } = {}) {
  const port = await freePort();
  const { child, ms } = await startUntil(process.execPath, args, { PORT: String(port), ...env }, /ready/i, 120_000);
  // Poke it once like a health check would, then sample: 3 s after start (start-up garbage still held) and after
  // 15 s of idling, when V8 has given back the heap that compiling schemas and routes needed.
  await fetch(`http://127.0.0.1:${port}/health/live`);
  await sleep(3000);
  const rss = rssMb(child.pid!);
  await sleep(12_000);
  const settled = rssMb(child.pid!);
  if (opts.drainJobs) {
    const until = Date.now() + 180_000;
    while (pendingJobs(opts.drainJobs) > 0 && Date.now() < until) await sleep(500);
  }
  await stop(child);
  return { ms, rss, settled };
}

/** gzipped bytes of the JS the built index.html loads up front (entry + modulepreloads). */
export function initialJsGzipKb(): number | null {
  const dist = path.join(root, 'dist/client');
  const indexPath = path.join(dist, 'index.html');
  if (!existsSync(indexPath)) return null;
  const html = readFileSync(indexPath, 'utf8');
  const srcs = [...html.matchAll(/<(?:script[^>]*src|link[^>]*modulepreload[^>]*href)="([^"]+\.js)"/g)].map((m) => m[1]);
  const bytes = [...new Set(srcs)].reduce((sum, src) => sum + gzipSync(readFileSync(path.join(dist, src.replace(/^\//, '')))).length, 0);
  return bytes / 1024;
}

export async function run() {
  console.log('\n# Footprint (issue 2)');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'leerpad-bench-'));
  try {
    // The bare server lives inside the project so that it resolves the same fastify from node_modules.
    mkdirSync(path.join(root, 'dist'), { recursive: true });
    const barePath = path.join(root, 'dist/bench-bare-server.mjs');
    writeFileSync(barePath, BARE);
    const bare = await measure([...startFlags, barePath], {});
    rmSync(barePath);
    execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: root, stdio: 'inherit' });
    const main = path.join(root, 'dist/server/main.mjs');
    // First start seeds the demo content and transcodes its video; the second is the ordinary cold start of an
    // existing install with nothing queued.
    await measure([...startFlags, main], { DATA_DIR: dataDir, LOG_LEVEL: 'warn', RUN_WORKER: 'true' }, { drainJobs: path.join(dataDir, 'leerpad.db') });
    const ours = await measure([...startFlags, main], { DATA_DIR: dataDir, LOG_LEVEL: 'warn', RUN_WORKER: 'true' });
    report('cold start to ready (ms), vs bare Fastify', ours.ms, bare.ms, 'ms', 'printed');
    report('RSS 3 s after start (MB), vs bare Fastify', ours.rss, bare.rss, 'MB', 'informative');
    report('idle RSS after 15 s (MB), vs bare Fastify', ours.settled, bare.settled, 'MB', 'informative');
    report('idle RSS after 15 s (MB), vs the 100 MB budget', ours.settled, 100, 'MB', '<= 1.00');
    const js = initialJsGzipKb();
    if (js === null) console.log('initial JS: client not built (run npm run build)');
    else report('JS for a page without video (KB gzip)', js, 40, 'KB', '<= 1.00');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
