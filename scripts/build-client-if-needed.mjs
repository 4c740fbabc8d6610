#!/usr/bin/env node
// Builds the client with Vite when dist/client is missing or older than any file in client/ (or vite.config.ts);
// otherwise does nothing. Used by `npm start` and the end-to-end tests. A lock directory keeps two processes
// (two test files, say) from building into the same folder at once: the second waits, then re-checks.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = path.join(root, 'dist', 'client', 'index.html');
const lock = path.join(root, 'dist', '.client-build.lock');
const sources = [path.join(root, 'client'), path.join(root, 'vite.config.ts')];

function newest(p) {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs; // a deleted file changes its folder's mtime
  for (const name of readdirSync(p)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

function stale() {
  if (!existsSync(built)) return true;
  return Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function acquire() {
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    // A lock left by a build that crashed long ago is taken over.
    try {
      if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
    } catch {
      // gone already
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
    sleep(200);
  }
}

if (!stale()) process.exit(0);
acquire();
let status = 0;
try {
  if (stale()) {
    console.log('Building the client (dist/client is missing or older than client/)…');
    const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    // NODE_ENV is forced: inherited from a test runner ("test"), it would make Vite ship development builds.
    const env = { ...process.env, NODE_ENV: 'production' };
    // --emptyOutDir=false: a server that is still running (another test file, another terminal) keeps finding the
    // hashed assets its index.html names; `npm run build` starts from an empty folder.
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--emptyOutDir=false'], { cwd: root, stdio: 'inherit', env });
    status = result.status ?? 1;
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
process.exit(status);
