/**
 * Video helpers for the e2e suites: the app and Chromium plus a real media worker (real ffmpeg) and a folder for
 * generated clips, an upload through the API that waits for the worker, and the video player's locator.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { createSqliteQueue } from '../../media/jobs.ts';
import { createLocalStorage } from '../../media/storage.ts';
import { createMediaWorker, type Worker } from '../../media/worker.ts';
import { binaries, silentLog } from '../helpers/media.ts';
import { launchBrowser, startServer, type E2eServer, type Suite } from './helpers.ts';

export interface MediaSuite extends Suite {
  worker: Worker;
  /** A temporary folder for the clips a suite makes with makeClip(). */
  clipDir: string;
}

/**
 * Starts the app, a media worker as its own "process" would run it (same database and media folder, its own
 * queue object), Chromium and a clip folder. What was started is closed again if a later step fails.
 */
export async function startMediaSuite(clipDirPrefix: string): Promise<MediaSuite> {
  const started: Partial<MediaSuite> = {};
  try {
    const server = (started.server = await startServer());
    started.worker = createMediaWorker({
      db: server.db,
      queue: createSqliteQueue(server.db, Date.now),
      storage: createLocalStorage(server.config.dataDir),
      clock: Date.now,
      log: silentLog,
      concurrency: 1,
      binaries,
      pollMs: 100,
      pipeline: { preset: 'ultrafast', niceness: 0 },
    });
    await started.worker.start();
    started.browser = await launchBrowser();
    started.clipDir = mkdtempSync(path.join(tmpdir(), clipDirPrefix));
    return started as MediaSuite;
  } catch (err) {
    await closeMediaSuite(started);
    throw err;
  }
}

/** Closes what startMediaSuite() opened (browser, worker, app, clip folder); safe after a failed start. */
export async function closeMediaSuite({ browser, worker, server, clipDir }: Partial<MediaSuite>) {
  await browser?.close();
  await worker?.stop();
  await server?.close();
  if (clipDir) rmSync(clipDir, { recursive: true, force: true });
}

/** The id of the video that plays in a lesson now (lessons.video_id), or null. */
export function currentVideoId(server: E2eServer, lessonId: string): string | null {
  return (server.db.$client.prepare('SELECT video_id AS id FROM lessons WHERE id = ?').get(lessonId) as { id: string | null }).id;
}

/** Uploads a clip to a video lesson through the API (expects 202) and waits until the worker has made it current. */
export async function uploadAndProcess(server: E2eServer, cookie: string, lessonId: string, clip: string) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(clip)], { type: 'video/mp4' }), path.basename(clip));
  const res = await fetch(`${server.baseUrl}/api/lessons/${lessonId}/video`, { method: 'POST', headers: { cookie }, body: form });
  expect(res.status).toBe(202);
  const deadline = Date.now() + 90_000;
  while (!currentVideoId(server, lessonId)) {
    if (Date.now() > deadline) throw new Error('the video was not processed in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The lesson page's video player (its Dutch name). */
export const videoPlayer = (page: Page) => page.getByRole('region', { name: /^Videospeler/ });
