import { describe, expect, it } from 'vitest';
import { openDb } from '../../db/client.ts';
import { createProgressService, flushPendingProgress, lessonLock } from '../../server/progress/service.ts';
import { TtlLru } from '../../server/lru.ts';
import { progressStats } from '../../server/progress/store.ts';
import { fakeClock } from '../helpers/app.ts';
import { buildCourse } from '../helpers/progress.ts';
import { enrol } from '../helpers/factories.ts';
import type { UserRow } from '../../server/auth/session.ts';

/** The write-behind buffer on its own, with a flush interval so long that only reads and close() write. */
function setup() {
  const db = openDb(':memory:');
  const clock = fakeClock();
  const now = clock();
  db.$client
    .prepare(`INSERT INTO users (id, email, name, password_hash, roles, created_at, updated_at) VALUES ('u1', 'u1@example.test', 'U', 'x', '[]', ?, ?)`)
    .run(now, now);
  const user = db.$client.prepare(`SELECT * FROM users WHERE id = 'u1'`).get() as Record<string, unknown>;
  const userRow = { ...user, roles: [], disabled: false, passwordHash: 'x', institutionId: null } as unknown as UserRow;
  const t = { db, clock } as unknown as Parameters<typeof buildCourse>[0];
  const { course, lessons } = buildCourse(t, { modules: [[{ kind: 'video', duration: 100 }, { kind: 'text' }]] });
  enrol({ db, clock }, { courseId: course.id, userId: 'u1' });
  const service = createProgressService({ db, clock, flushIntervalMs: 3_600_000 });
  const rows = () => (db.$client.prepare('SELECT count(*) AS n FROM lesson_progress').get() as { n: number }).n;
  return { db, clock, userRow, course, lessons, service, rows };
}

describe('heartbeat buffer', () => {
  it('keeps beats in memory until a read or close() writes them', () => {
    const { db, userRow, course, lessons, service, rows } = setup();
    for (let i = 0; i < 10; i++) service.heartbeat(userRow, { lessonId: lessons[0].id, position: i * 5 + 5, ranges: [[i * 5, i * 5 + 5]] });
    expect(rows()).toBe(0);
    expect(service.stats()).toMatchObject({ accepted: 10, persisted: 0, pending: 1 });

    const p = service.courseProgress(userRow, course.id);
    expect(p.lessons[0]).toMatchObject({ watchedSeconds: 50, position: 50 });
    expect(rows()).toBe(1);
    expect(service.stats()).toMatchObject({ accepted: 10, persisted: 10, pending: 0, flushes: 1 });

    service.heartbeat(userRow, { lessonId: lessons[0].id, position: 95, ranges: [[50, 95]] });
    // Another feature's read (the lesson view's lock check, statistics) flushes through the registry.
    flushPendingProgress(db);
    expect(progressStats(db)).toMatchObject({ persisted: 11, pending: 0 });
    const row = db.$client.prepare('SELECT completed_at FROM lesson_progress').get() as { completed_at: number | null };
    expect(row.completed_at).not.toBeNull();

    service.heartbeat(userRow, { lessonId: lessons[0].id, position: 10, ranges: [] });
    service.close();
    expect(db.$client.prepare('SELECT position FROM lesson_progress').get()).toEqual({ position: 10 });
    expect(lessonLock({ db, clock: () => 0 }, userRow, lessons[1].id)).toEqual({ locked: false, lockedBy: null });
  });

  it('does not write inside someone else\'s transaction, and drops beats for deleted lessons', () => {
    const { db, userRow, lessons, service, rows } = setup();
    service.heartbeat(userRow, { lessonId: lessons[0].id, position: 5, ranges: [[0, 5]] });
    db.$client.transaction(() => service.flush())();
    expect(rows()).toBe(0);
    db.$client.prepare('DELETE FROM lessons WHERE id = ?').run(lessons[0].id);
    service.flush();
    expect(service.stats()).toMatchObject({ accepted: 1, persisted: 0, dropped: 1, pending: 0 });
    service.close();
  });

  it('flushes at once when too many entries wait', () => {
    const { db, clock, userRow, course } = setup();
    const small = createProgressService({ db, clock, flushIntervalMs: 3_600_000, maxPending: 2 });
    const t = { db, clock } as unknown as Parameters<typeof buildCourse>[0];
    const more = buildCourse(t, { modules: [[{ kind: 'video' }, { kind: 'video' }]] });
    enrol({ db, clock }, { courseId: more.course.id, userId: 'u1' });
    small.heartbeat(userRow, { lessonId: more.lessons[0].id, position: 1, ranges: [[0, 1]] });
    expect(small.stats().persisted).toBe(0);
    small.heartbeat(userRow, { lessonId: more.lessons[1].id, position: 1, ranges: [[0, 1]] });
    expect(small.stats()).toMatchObject({ persisted: 2, pending: 0 });
    expect(course.id).toBeTruthy();
    small.close();
  });
});

describe('TtlLru', () => {
  it('evicts the least recently used entry and expires by the clock', () => {
    const clock = fakeClock();
    const lru = new TtlLru<number>(2, 1000, clock);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    clock.advance(1000);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.size).toBe(1);
  });
});
