import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, ConfigError } from './config.ts';
import { openDb } from '../db/client.ts';
import { buildApp, loggerOptions } from './app.ts';
import { seedDemoIfEmpty } from './demo/seed.ts';
import { systemClock } from './clock.ts';
import { createSqliteQueue } from '../media/jobs.ts';
import { createLocalStorage } from '../media/storage.ts';
import { createMediaWorker, type Worker } from '../media/worker.ts';
import { graceForUrlTtl } from '../media/cleanup.ts';

/** The only file that listens, opens the real database and handles signals. */
async function main() {
  const started = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDb(path.join(config.dataDir, 'leerpad.db'));
  // One queue object for the app and the in-process worker, so a new upload wakes the worker at once.
  const storage = createLocalStorage(config.dataDir);
  const queue = createSqliteQueue(db, systemClock);
  const app = await buildApp({ config, db, logger: loggerOptions(config), media: { storage, queue } });
  let worker: Worker | null = null;

  if (config.demo) {
    const demo = await seedDemoIfEmpty({ db, config, log: app.log });
    if (demo) {
      const lines = demo.accounts.map((a) => `  ${a.role.padEnd(12)} ${a.email.padEnd(28)} ${a.password}`);
      // Printed once, on the first start: the generated passwords are not stored anywhere else.
      console.log(`\nDemo content created. Demo logins (shown only this once):\n${lines.join('\n')}\n`);
    }
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await worker?.stop();
      await app.close();
      db.$client.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  if (config.runWorker && config.workerConcurrency > 0) {
    try {
      worker = createMediaWorker({
        db,
        queue,
        storage,
        clock: systemClock,
        log: app.log,
        concurrency: config.workerConcurrency,
        ffmpegPath: config.ffmpegPath,
        ffprobePath: config.ffprobePath,
        pipeline: { supersededGraceMs: graceForUrlTtl(config.mediaUrlTtlHours) },
      });
      await worker.start();
    } catch (err) {
      // Without ffmpeg the site still serves everything else; uploads wait in the queue.
      app.log.error({ err }, 'media worker not started');
    }
  }
  const ms = Math.round(performance.now() - started);
  app.log.info({ url: config.baseUrl, startupMs: ms }, 'ready');
  console.log(`Leerpad ready at ${config.baseUrl} (started in ${ms} ms)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
