import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/client.ts';
import { resolveBinaries, type MediaBinaries } from './ffmpeg.ts';
import { PermanentJobError, type Job, type JobQueue } from './jobs.ts';
import { createTranscodeHandler, PID_FILE, type JobContext, type Logger, type PipelineDeps } from './pipeline.ts';
import { createDeleteHandler } from './cleanup.ts';
import type { LocalStorage } from './storage.ts';

/**
 * The in-process worker: `concurrency` loops that claim jobs, run them under a lease renewed by heartbeat, and
 * settle them. Runs inside the web server by default, or alone via `npm run worker` (media/worker-main.ts).
 */
export interface JobHandler {
  kind: string;
  run(job: Job, ctx: JobContext): Promise<void>;
  onGiveUp?(job: Job, error: string): void;
  onRetry?(job: Job, error: string): void;
}

export interface WorkerOptions {
  queue: JobQueue;
  handlers: JobHandler[];
  /** `${dataDir}/media/tmp`: one folder per running job. */
  tmpRoot: string;
  /** Upload staging folder: files a crashed server left there are removed at start once they are stale. */
  stagingRoot?: string;
  clock: () => number;
  log: Logger;
  concurrency: number;
  leaseMs?: number;
  pollMs?: number;
}

export interface Worker {
  start(): Promise<void>;
  /** Stops claiming, stops running jobs and gives them back to the queue for the next start. */
  stop(): Promise<void>;
  /** Wakes idle loops (a job was just queued). */
  notify(): void;
  readonly owner: string;
}

/** Identifies this process incarnation, so a restarted process with a recycled pid still sees its old leases as dead. */
const BOOT = randomBytes(4).toString('hex');
let workerCounter = 0;
const STALE_STAGING_MS = 6 * 3_600_000;

export function ownerId(): string {
  return `${os.hostname()}/${process.pid}/${BOOT}/${++workerCounter}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lease owner is dead when it ran on this host in a process that is gone (or in an earlier life of ours). */
export function isDeadOwner(owner: string): boolean {
  const [host, pidText, boot] = owner.split('/');
  if (host !== os.hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return boot !== BOOT;
  return !pidAlive(pid);
}

/**
 * Kills an ffmpeg left running by a worker that crashed (a SIGKILLed parent does not take its children along),
 * but only if /proc confirms the pid is still a process working in that folder: pids get reused.
 */
async function killOrphan(dir: string, log: Logger) {
  const pid = Number(await readFile(path.join(dir, PID_FILE), 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes(dir)) return;
  try {
    process.kill(pid, 'SIGKILL');
    log.warn({ pid, dir }, 'killed an ffmpeg left over from a crashed worker');
  } catch {
    /* already gone */
  }
  for (let i = 0; i < 50 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
}

export function createWorker(opts: WorkerOptions): Worker {
  const leaseMs = opts.leaseMs ?? 60_000;
  const pollMs = opts.pollMs ?? 1000;
  const owner = ownerId();
  const handlers = new Map(opts.handlers.map((h) => [h.kind, h]));
  const kinds = [...handlers.keys()];
  const running = new Map<string, AbortController>();
  const loops: Promise<void>[] = [];
  let stopping = false;
  let wake: (() => void)[] = [];
  let unsubscribe: (() => void) | null = null;

  const notify = () => {
    const w = wake;
    wake = [];
    w.forEach((f) => f());
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      wake.push(done);
    });

  async function cleanTmp() {
    await mkdir(opts.tmpRoot, { recursive: true });
    const now = opts.clock();
    for (const name of await readdir(opts.tmpRoot)) {
      const job = opts.queue.get(name);
      // Another worker process may be using its folder right now.
      if (job && job.status === 'running' && (job.leaseUntil ?? 0) >= now) continue;
      const dir = path.join(opts.tmpRoot, name);
      await killOrphan(dir, opts.log);
      await rm(dir, { recursive: true, force: true });
    }
    if (!opts.stagingRoot) return;
    // An upload in progress writes to its file all the time; one untouched for hours belongs to a dead request.
    for (const name of await readdir(opts.stagingRoot).catch(() => [] as string[])) {
      const file = path.join(opts.stagingRoot, name);
      const st = await stat(file).catch(() => null);
      if (st && Date.now() - st.mtimeMs > STALE_STAGING_MS) await rm(file, { force: true });
    }
  }

  function settleError(job: Job, handler: JobHandler, err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    const permanent = err instanceof PermanentJobError;
    const result = opts.queue.fail(job, message, { retry: !permanent });
    if (!result) return; // the lease was lost: whoever holds the job now decides
    opts.log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, err: message, next: result.status }, 'job attempt failed');
    try {
      if (result.status === 'failed') handler.onGiveUp?.(job, message);
      else handler.onRetry?.(job, message);
    } catch (hookErr) {
      opts.log.error({ jobId: job.id, err: String(hookErr) }, 'job failure hook failed');
    }
  }

  async function runOne(job: Job) {
    const handler = handlers.get(job.kind);
    if (!handler) {
      opts.queue.fail(job, `no handler for ${job.kind}`, { retry: false });
      return;
    }
    const ac = new AbortController();
    let lostLease = false;
    running.set(job.id, ac);
    const beat = setInterval(() => {
      if (!opts.queue.heartbeat(job, leaseMs)) {
        lostLease = true;
        ac.abort();
      }
    }, Math.max(50, Math.floor(leaseMs / 3)));
    const tmpDir = path.join(opts.tmpRoot, job.id);
    try {
      await handler.run(job, { signal: ac.signal, tmpDir, log: opts.log });
      if (!opts.queue.complete(job)) opts.log.warn({ jobId: job.id }, 'job finished after its lease was lost');
    } catch (err) {
      if (lostLease) opts.log.warn({ jobId: job.id }, 'job stopped: its lease was lost');
      else if (stopping && ac.signal.aborted) opts.queue.release(job);
      else settleError(job, handler, err);
    } finally {
      clearInterval(beat);
      running.delete(job.id);
      await rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  function reap() {
    for (const job of opts.queue.reapExhausted()) {
      if (!kinds.includes(job.kind)) continue;
      opts.log.warn({ jobId: job.id, kind: job.kind }, 'job gave up: its worker died on the last attempt');
      try {
        handlers.get(job.kind)?.onGiveUp?.(job, job.lastError ?? 'the worker stopped during the last attempt');
      } catch (err) {
        opts.log.error({ jobId: job.id, err: String(err) }, 'job failure hook failed');
      }
    }
  }

  async function loop() {
    while (!stopping) {
      let job: Job | null = null;
      try {
        reap();
        job = opts.queue.claim(owner, { leaseMs, kinds });
      } catch (err) {
        // SQLITE_BUSY from another process, typically: try again at the next poll.
        opts.log.error({ err: String(err) }, 'cannot claim jobs');
      }
      if (!job) {
        await sleep(pollMs);
        continue;
      }
      try {
        await runOne(job);
      } catch (err) {
        // Settling failed (the database was busy or gone): the lease runs out and the job is claimed again.
        opts.log.error({ jobId: job.id, err: String(err) }, 'cannot settle job');
        await sleep(pollMs);
      }
    }
  }

  return {
    owner,
    notify,
    async start() {
      stopping = false;
      const recovered = opts.queue.recoverAbandoned(isDeadOwner);
      if (recovered.length) opts.log.warn({ jobs: recovered.map((j) => j.id) }, 'reclaiming jobs of a worker that died');
      await cleanTmp();
      unsubscribe = opts.queue.onEnqueue(notify);
      for (let i = 0; i < opts.concurrency; i++) loops.push(loop());
    },
    async stop() {
      stopping = true;
      unsubscribe?.();
      notify();
      for (const ac of running.values()) ac.abort();
      await Promise.all(loops.splice(0));
    },
  };
}

export interface MediaWorkerDeps {
  db: Db;
  queue: JobQueue;
  storage: LocalStorage;
  clock: () => number;
  log: Logger;
  concurrency: number;
  binaries?: MediaBinaries;
  ffmpegPath?: string;
  ffprobePath?: string;
  leaseMs?: number;
  pollMs?: number;
  pipeline?: Partial<Pick<PipelineDeps, 'preset' | 'segmentSeconds' | 'niceness' | 'timeLimit' | 'supersededGraceMs' | 'remux'>>;
}

/** The worker with the media handlers wired: what server/main.ts and media/worker-main.ts start. */
export function createMediaWorker(deps: MediaWorkerDeps): Worker {
  const binaries = deps.binaries ?? resolveBinaries({ ffmpegPath: deps.ffmpegPath, ffprobePath: deps.ffprobePath });
  const transcode = createTranscodeHandler({ db: deps.db, storage: deps.storage, binaries, clock: deps.clock, queue: deps.queue, ...deps.pipeline });
  // Removes the files of deleted and superseded videos (media/cleanup.ts).
  const remove = createDeleteHandler({ db: deps.db, storage: deps.storage });
  return createWorker({
    queue: deps.queue,
    handlers: [transcode, remove],
    tmpRoot: deps.storage.tmpDir,
    stagingRoot: deps.storage.stagingDir,
    clock: deps.clock,
    log: deps.log,
    concurrency: deps.concurrency,
    leaseMs: deps.leaseMs,
    pollMs: deps.pollMs,
  });
}
