import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Db } from '../db/client.ts';

/**
 * Durable jobs, claimed with a lease. A worker owns a job while its lease runs and renews it by heartbeat; a
 * job whose lease went stale (the worker died or hung) is claimable again. Every state change after the claim
 * names the lease it holds (owner + attempt number), so a worker that lost its lease cannot complete or fail a
 * job someone else now runs.
 *
 * The interface is synchronous on purpose: on SQLite an enqueue can then share a transaction with the row it
 * is about (a video becoming `queued`). A PostgreSQL implementation would take the transaction as a parameter.
 */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface Job<P = Record<string, unknown>> {
  id: string;
  kind: string;
  payload: P;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAfter: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What a worker holds after a claim. */
export type Lease = Pick<Job, 'id' | 'leaseOwner' | 'attempts'>;

export interface EnqueueOptions {
  maxAttempts?: number;
  delayMs?: number;
  id?: string;
}

export interface FailResult {
  status: 'queued' | 'failed';
  runAfter: number;
}

export interface JobQueue {
  enqueue<P extends Record<string, unknown>>(kind: string, payload: P, opts?: EnqueueOptions): Job<P>;
  claim(owner: string, opts: { leaseMs: number; kinds?: string[] }): Job | null;
  heartbeat(lease: Lease, leaseMs: number): boolean;
  complete(lease: Lease): boolean;
  /** Requeues with exponential backoff while attempts remain and `retry` is true; otherwise fails for good. */
  fail(lease: Lease, error: string, opts?: { retry?: boolean }): FailResult | null;
  /** Gives a job back without counting the attempt (a worker shutting down). */
  release(lease: Lease): boolean;
  /** Running jobs whose lease went stale with no attempts left: marked failed and returned, so owners can react. */
  reapExhausted(): Job[];
  /** Ends the leases of running jobs whose owner is known to be dead, so they need not wait for the lease to run out. */
  recoverAbandoned(isDead: (owner: string) => boolean): Job[];
  get(id: string): Job | null;
  /** Queued and running jobs of one kind (a small set: finished jobs are not included). */
  active(kind: string): Job[];
  /**
   * Ends a queued or running job for good without it running (again): what it was for is gone. A worker running
   * it loses its lease, notices at its next heartbeat and stops. False when the job was not queued or running.
   */
  cancel(id: string, reason: string): boolean;
  /** In-process notification, so a worker in the same process starts at once instead of at its next poll. */
  onEnqueue(listener: (job: Job) => void): () => void;
}

export interface QueueOptions {
  /** Delay before the first retry; doubles with each attempt. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** Delay before retry number `attempts` (1 = the first retry): base * 2^(attempts-1), capped. */
export function backoffMs(attempts: number, base = 30_000, max = 3_600_000): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

interface JobRow {
  id: string;
  kind: string;
  payload: string;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_after: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

function toJob(r: JobRow): Job {
  return {
    id: r.id,
    kind: r.kind,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAfter: r.run_after,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const MAX_ERROR = 2000;

export function createSqliteQueue(db: Db, clock: () => number, opts: QueueOptions = {}): JobQueue {
  const sqlite = db.$client;
  const events = new EventEmitter();
  const base = opts.backoffBaseMs ?? 30_000;
  const max = opts.backoffMaxMs ?? 3_600_000;

  const insert = sqlite.prepare(
    `INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_after, created_at, updated_at)
     VALUES (@id, @kind, @payload, 'queued', 0, @maxAttempts, @runAfter, @now, @now) RETURNING *`,
  );
  // One statement, so SQLite's write lock makes it atomic: two workers (threads or processes) can never both
  // win the same row. Stale running jobs are only taken while attempts remain; reapExhausted ends the others.
  const claim = sqlite.prepare(
    `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = @owner, lease_until = @until, updated_at = @now
     WHERE id = (
       SELECT id FROM jobs
       WHERE ((status = 'queued' AND run_after <= @now) OR (status = 'running' AND lease_until < @now AND attempts < max_attempts))
         AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
       ORDER BY run_after, created_at LIMIT 1
     ) RETURNING *`,
  );
  const leaseMatch = `id = @id AND status = 'running' AND lease_owner = @owner AND attempts = @attempts`;
  const heartbeat = sqlite.prepare(`UPDATE jobs SET lease_until = @until, updated_at = @now WHERE ${leaseMatch}`);
  const complete = sqlite.prepare(
    `UPDATE jobs SET status = 'done', lease_owner = NULL, lease_until = NULL, updated_at = @now WHERE ${leaseMatch}`,
  );
  const fail = sqlite.prepare(
    `UPDATE jobs SET status = @status, run_after = @runAfter, last_error = @error, lease_owner = NULL, lease_until = NULL, updated_at = @now
     WHERE ${leaseMatch}`,
  );
  const release = sqlite.prepare(
    `UPDATE jobs SET status = 'queued', attempts = attempts - 1, run_after = @now, lease_owner = NULL, lease_until = NULL, updated_at = @now
     WHERE ${leaseMatch}`,
  );
  const reap = sqlite.prepare(
    `UPDATE jobs SET status = 'failed', lease_owner = NULL, lease_until = NULL, updated_at = @now,
       last_error = COALESCE(last_error || ' / ', '') || 'the worker stopped answering during the last attempt'
     WHERE status = 'running' AND lease_until < @now AND attempts >= max_attempts RETURNING *`,
  );
  const running = sqlite.prepare(`SELECT * FROM jobs WHERE status = 'running' AND lease_until >= @now`);
  const expire = sqlite.prepare(`UPDATE jobs SET lease_until = @past, updated_at = @now WHERE id = @id AND status = 'running' AND lease_owner = @owner RETURNING *`);
  const get = sqlite.prepare(`SELECT * FROM jobs WHERE id = ?`);
  const active = sqlite.prepare(`SELECT * FROM jobs WHERE kind = ? AND status IN ('queued', 'running') ORDER BY run_after, created_at`);
  const cancel = sqlite.prepare(
    `UPDATE jobs SET status = 'failed', last_error = @error, lease_owner = NULL, lease_until = NULL, updated_at = @now
     WHERE id = @id AND status IN ('queued', 'running')`,
  );

  const leaseParams = (l: Lease) => ({ id: l.id, owner: l.leaseOwner, attempts: l.attempts });

  return {
    enqueue(kind, payload, o = {}) {
      const now = clock();
      const row = insert.get({
        id: o.id ?? randomUUID(),
        kind,
        payload: JSON.stringify(payload),
        maxAttempts: o.maxAttempts ?? 3,
        runAfter: now + (o.delayMs ?? 0),
        now,
      }) as JobRow;
      const job = toJob(row);
      // Listeners run after the current transaction has had a chance to commit.
      queueMicrotask(() => events.emit('enqueue', job));
      return job as Job<typeof payload>;
    },

    claim(owner, o) {
      const now = clock();
      const row = claim.get({ owner, now, until: now + o.leaseMs, kinds: o.kinds ? JSON.stringify(o.kinds) : null }) as JobRow | undefined;
      return row ? toJob(row) : null;
    },

    heartbeat(lease, leaseMs) {
      const now = clock();
      return heartbeat.run({ ...leaseParams(lease), until: now + leaseMs, now }).changes === 1;
    },

    complete(lease) {
      return complete.run({ ...leaseParams(lease), now: clock() }).changes === 1;
    },

    fail(lease, error, o = {}) {
      const now = clock();
      const current = get.get(lease.id) as JobRow | undefined;
      if (!current) return null;
      const retry = (o.retry ?? true) && current.attempts < current.max_attempts;
      const status = retry ? 'queued' : 'failed';
      const runAfter = retry ? now + backoffMs(current.attempts, base, max) : current.run_after;
      const changed = fail.run({ ...leaseParams(lease), status, runAfter, error: error.slice(0, MAX_ERROR), now }).changes === 1;
      return changed ? { status, runAfter } : null;
    },

    release(lease) {
      return release.run({ ...leaseParams(lease), now: clock() }).changes === 1;
    },

    reapExhausted() {
      return (reap.all({ now: clock() }) as JobRow[]).map(toJob);
    },

    recoverAbandoned(isDead) {
      const now = clock();
      const out: Job[] = [];
      for (const row of running.all({ now }) as JobRow[]) {
        if (!row.lease_owner || !isDead(row.lease_owner)) continue;
        const done = expire.get({ id: row.id, owner: row.lease_owner, past: now - 1, now }) as JobRow | undefined;
        if (done) out.push(toJob(done));
      }
      return out;
    },

    get(id) {
      const row = get.get(id) as JobRow | undefined;
      return row ? toJob(row) : null;
    },

    active(kind) {
      return (active.all(kind) as JobRow[]).map(toJob);
    },

    cancel(id, reason) {
      return cancel.run({ id, error: `cancelled: ${reason}`.slice(0, MAX_ERROR), now: clock() }).changes === 1;
    },

    onEnqueue(listener) {
      events.on('enqueue', listener);
      return () => events.off('enqueue', listener);
    },
  };
}

/** A failure that retrying cannot fix (bad input): the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
