import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../db/client.ts';
import { backoffMs, createSqliteQueue } from '../../media/jobs.ts';
import { fakeClock } from '../helpers/app.ts';

function setup(opts = {}) {
  const db = openDb(':memory:');
  const clock = fakeClock();
  return { db, clock, queue: createSqliteQueue(db, clock, opts) };
}

describe('SQLite job queue', () => {
  it('hands a job to one claimer only, oldest first', () => {
    const { queue, clock } = setup();
    const a = queue.enqueue('t', { n: 1 });
    clock.advance(1);
    const b = queue.enqueue('t', { n: 2 });
    const first = queue.claim('w1', { leaseMs: 1000 });
    const second = queue.claim('w2', { leaseMs: 1000 });
    const third = queue.claim('w3', { leaseMs: 1000 });
    expect(first?.id).toBe(a.id);
    expect(first?.payload).toEqual({ n: 1 });
    expect(first?.attempts).toBe(1);
    expect(first?.leaseOwner).toBe('w1');
    expect(second?.id).toBe(b.id);
    expect(third).toBeNull();
  });

  it('never gives the same job to two connections on one database file', async () => {
    const { tempDir } = await import('../helpers/media.ts');
    const dir = tempDir();
    const file = `${dir}/q.db`;
    const clock = fakeClock();
    const [db1, db2] = [openDb(file), openDb(file)];
    const q1 = createSqliteQueue(db1, clock);
    const q2 = createSqliteQueue(db2, clock);
    for (let i = 0; i < 20; i++) q1.enqueue('t', { i });
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      for (const [q, name] of [[q1, 'a'], [q2, 'b']] as const) {
        const job = q.claim(name, { leaseMs: 60_000 });
        if (job) {
          expect(seen.has(job.id)).toBe(false);
          seen.add(job.id);
        }
      }
    }
    expect(seen.size).toBe(20);
    db1.$client.close();
    db2.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('only claims the kinds asked for, and not before run_after', () => {
    const { queue, clock } = setup();
    queue.enqueue('other', {});
    queue.enqueue('t', {}, { delayMs: 5000 });
    expect(queue.claim('w', { leaseMs: 1000, kinds: ['t'] })).toBeNull();
    clock.advance(5000);
    expect(queue.claim('w', { leaseMs: 1000, kinds: ['t'] })?.kind).toBe('t');
  });

  it('makes a job whose lease went stale claimable again, and stops the old owner from settling it', () => {
    const { queue, clock } = setup();
    queue.enqueue('t', {});
    const first = queue.claim('w1', { leaseMs: 10_000 })!;
    clock.advance(5_000);
    expect(queue.heartbeat(first, 10_000)).toBe(true);
    clock.advance(9_999);
    expect(queue.claim('w2', { leaseMs: 10_000 })).toBeNull();
    clock.advance(2);
    const second = queue.claim('w2', { leaseMs: 10_000 })!;
    expect(second.id).toBe(first.id);
    expect(second.attempts).toBe(2);
    expect(queue.heartbeat(first, 10_000)).toBe(false);
    expect(queue.complete(first)).toBe(false);
    expect(queue.fail(first, 'late')).toBeNull();
    expect(queue.complete(second)).toBe(true);
    expect(queue.get(first.id)?.status).toBe('done');
  });

  it('retries with exponential backoff until maxAttempts, then fails', () => {
    const { queue, clock } = setup({ backoffBaseMs: 1000 });
    const job = queue.enqueue('t', {}, { maxAttempts: 3 });
    const start = clock();
    const a1 = queue.claim('w', { leaseMs: 60_000 })!;
    expect(queue.fail(a1, 'boom 1')).toEqual({ status: 'queued', runAfter: start + 1000 });
    expect(queue.claim('w', { leaseMs: 60_000 })).toBeNull();
    clock.advance(1000);
    const a2 = queue.claim('w', { leaseMs: 60_000 })!;
    expect(a2.attempts).toBe(2);
    expect(queue.fail(a2, 'boom 2')).toEqual({ status: 'queued', runAfter: start + 1000 + 2000 });
    clock.advance(2000);
    const a3 = queue.claim('w', { leaseMs: 60_000 })!;
    expect(queue.fail(a3, 'boom 3')?.status).toBe('failed');
    const final = queue.get(job.id)!;
    expect(final.status).toBe('failed');
    expect(final.lastError).toBe('boom 3');
    clock.advance(3_600_000);
    expect(queue.claim('w', { leaseMs: 60_000 })).toBeNull();
  });

  it('fails at once when told not to retry', () => {
    const { queue } = setup();
    queue.enqueue('t', {});
    const a = queue.claim('w', { leaseMs: 1000 })!;
    expect(queue.fail(a, 'bad input', { retry: false })?.status).toBe('failed');
  });

  it('computes backoff as base * 2^(n-1), capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 100, 500))).toEqual([100, 200, 400, 500]);
  });

  it('reaps a stale job that has used all its attempts', () => {
    const { queue, clock } = setup();
    const job = queue.enqueue('t', {}, { maxAttempts: 1 });
    queue.claim('w', { leaseMs: 1000 });
    clock.advance(1001);
    expect(queue.claim('w2', { leaseMs: 1000 })).toBeNull();
    const reaped = queue.reapExhausted();
    expect(reaped.map((j) => j.id)).toEqual([job.id]);
    expect(queue.get(job.id)?.status).toBe('failed');
    expect(queue.reapExhausted()).toEqual([]);
  });

  it('gives a released job back without counting the attempt', () => {
    const { queue } = setup();
    queue.enqueue('t', {});
    const a = queue.claim('w', { leaseMs: 1000 })!;
    expect(queue.release(a)).toBe(true);
    const again = queue.claim('w', { leaseMs: 1000 })!;
    expect(again.attempts).toBe(1);
  });

  it('ends the leases of dead owners at once', () => {
    const { queue } = setup();
    queue.enqueue('t', {});
    queue.enqueue('t', {});
    queue.claim('dead', { leaseMs: 60_000 });
    queue.claim('alive', { leaseMs: 60_000 });
    const recovered = queue.recoverAbandoned((owner) => owner === 'dead');
    expect(recovered).toHaveLength(1);
    expect(queue.claim('new', { leaseMs: 60_000 })?.id).toBe(recovered[0].id);
  });

  it('lists the active jobs of a kind and cancels them: a queued one never runs, a running one loses its lease', () => {
    const { queue, clock } = setup();
    const queued = queue.enqueue('t', { n: 1 }, { delayMs: 10_000 });
    const running = queue.enqueue('t', { n: 2 });
    queue.enqueue('other', {});
    const lease = queue.claim('w', { leaseMs: 60_000, kinds: ['t'] })!;
    expect(lease.id).toBe(running.id);
    const done = queue.enqueue('t', { n: 3 });
    queue.complete(queue.claim('w', { leaseMs: 60_000, kinds: ['t'] })!);
    expect(queue.active('t').map((j) => j.id)).toEqual([running.id, queued.id]);

    expect(queue.cancel(queued.id, 'gone')).toBe(true);
    expect(queue.cancel(running.id, 'gone')).toBe(true);
    expect(queue.cancel(done.id, 'gone')).toBe(false);
    expect(queue.get(running.id)).toMatchObject({ status: 'failed', lastError: 'cancelled: gone', leaseOwner: null });
    expect(queue.heartbeat(lease, 60_000)).toBe(false);
    expect(queue.complete(lease)).toBe(false);
    clock.advance(20_000);
    expect(queue.claim('w', { leaseMs: 60_000, kinds: ['t'] })).toBeNull();
    expect(queue.active('t')).toEqual([]);
  });

  it('tells in-process listeners about new jobs', async () => {
    const { queue } = setup();
    const seen: string[] = [];
    const off = queue.onEnqueue((j) => seen.push(j.kind));
    queue.enqueue('x', {});
    await Promise.resolve();
    off();
    queue.enqueue('y', {});
    await Promise.resolve();
    expect(seen).toEqual(['x']);
  });
});
