import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDb } from '../db/client.ts';
import { ConfigError, loadConfig } from '../server/config.ts';
import { graceForUrlTtl } from './cleanup.ts';
import { createSqliteQueue } from './jobs.ts';
import type { Logger } from './pipeline.ts';
import { createLocalStorage } from './storage.ts';
import { createMediaWorker } from './worker.ts';

/**
 * `npm run worker`: the media worker as its own process, for when transcoding should not share a process (or a
 * machine's cgroup) with the web server. Run the server with RUN_WORKER=false then. Same database, same data folder.
 */
function jsonLogger(level: string): Logger {
  const quiet = level === 'silent';
  const write = (lvl: string) => (obj: object, msg?: string) => {
    if (quiet) return;
    process.stdout.write(JSON.stringify({ level: lvl, time: Date.now(), name: 'worker', ...obj, msg }) + '\n');
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDb(path.join(config.dataDir, 'leerpad.db'));
  const log = jsonLogger(config.logLevel);
  const clock = () => Date.now();
  const worker = createMediaWorker({
    db,
    queue: createSqliteQueue(db, clock),
    storage: createLocalStorage(config.dataDir),
    clock,
    log,
    concurrency: Math.max(1, config.workerConcurrency),
    ffmpegPath: config.ffmpegPath,
    ffprobePath: config.ffprobePath,
    pipeline: { supersededGraceMs: graceForUrlTtl(config.mediaUrlTtlHours) },
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'worker stopping');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await worker.stop();
    db.$client.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await worker.start();
  log.info({ concurrency: Math.max(1, config.workerConcurrency), owner: worker.owner }, 'worker ready');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
