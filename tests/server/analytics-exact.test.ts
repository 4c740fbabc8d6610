import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, GOOD_PASSWORD, registerUser, type Actor, type TestApp } from '../helpers/app.ts';
import { buildCourse, beat } from '../helpers/progress.ts';
import { enrol } from '../helpers/factories.ts';
import { referenceAnalytics, referenceRetention } from '../helpers/analytics-reference.ts';
import { courseAnalytics, retentionBuckets } from '../../server/stats/analytics.ts';
import { prng } from '../../scripts/bench/lib.ts';

/**
 * The course analytics read a course in a few aggregated statements over covering indexes (migration 0006). They
 * must give exactly what the first, plain version gave (tests/helpers/analytics-reference.ts) on awkward data:
 * every kind of staff, progress without an enrolment, unenrolled learners, retakes and unsubmitted attempts, ties,
 * odd or broken JSON, and courses young enough for days, old enough for months. And the statements must keep
 * reading from those indexes.
 */
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);


let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_PER_IP_PER_MINUTE: '10000', STATS_MAX_AGE_SECONDS: '0' });
}, 60_000);
afterAll(async () => {
  await t.app.close();
});

function institution(shortName: string) {
  const id = randomUUID();
  t.db.$client
    .prepare('INSERT INTO institutions (id, short_name, name_nl, name_en, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, shortName, shortName, shortName, NOW, NOW);
  return id;
}

function user(roles: string[] = [], institutionId: string | null = null) {
  const id = randomUUID();
  t.db.$client
    .prepare('INSERT INTO users (id, email, name, password_hash, roles, institution_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(id, `${id}@example.test`, 'U', 'x', JSON.stringify(roles), institutionId, NOW - 900 * DAY, NOW - 900 * DAY);
  return id;
}

/** A course with two modules (text, videos with known, unknown and fractional durations, two quizzes), filled at random over `spanDays`. */
function world(seed: number, spanDays: number) {
  const rand = prng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)];
  const inst = institution(`I${seed}`);
  const otherInst = institution(`O${seed}`);
  const lecturer = user(['lecturer']);
  const { course, lessons } = buildCourse(t, {
    lecturerId: lecturer,
    modules: [
      [{ kind: 'text' }, { kind: 'video', duration: 100 }, { kind: 'quiz' }],
      [{ kind: 'video', duration: null }, { kind: 'text', optional: true }, { kind: 'quiz' }, { kind: 'video', duration: 37.5 }],
    ],
  });
  const start = NOW - spanDays * DAY;
  t.db.$client.prepare('UPDATE courses SET institution_id = ?, published_at = ?, created_at = ? WHERE id = ?').run(inst, start, start - DAY, course.id);
  const co = user(['lecturer']);
  t.db.$client.prepare(`INSERT INTO course_lecturers (course_id, user_id, role, position) VALUES (?, ?, 'co-lecturer', 1)`).run(course.id, co);

  const quizzes = lessons.filter((l) => l.kind === 'quiz');
  const questions: { id: string; lessonId: string; type: string }[] = [];
  const q = t.db.$client.prepare('INSERT INTO questions (id, lesson_id, position, type, text, points, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)');
  const choices = { choices: [{ id: 'a', text: 'Right *answer*', correct: true }, { id: 'b', text: 'Wrong [link](x)', correct: false }, { id: 'c', text: 'Also wrong', correct: false }] };
  for (const lesson of quizzes) {
    const types = ['single', 'multiple', 'numeric', 'trueFalse', 'text', 'ordering'];
    types.forEach((type, i) => {
      const id = `${lesson.id}-q${i}`;
      q.run(id, lesson.id, i, type, `Question **${i}**`, JSON.stringify(type === 'single' || type === 'multiple' ? choices : type === 'numeric' ? { answers: [{ value: 42 }] } : {}), NOW, NOW);
      questions.push({ id, lessonId: lesson.id, type });
    });
  }

  // Who is who: learners, and everyone who must not count.
  const people: { id: string; enrolled: 'active' | 'unenrolled' | null }[] = [];
  for (let i = 0; i < 70; i++) people.push({ id: user(rand() < 0.1 ? ['lecturer'] : []), enrolled: rand() < 0.15 ? 'unenrolled' : 'active' });
  people.push({ id: lecturer, enrolled: 'active' }); // the course's own lecturer, enrolled
  people.push({ id: co, enrolled: null }); // a co-lecturer trying things out without an enrolment
  people.push({ id: user(['admin']), enrolled: 'active' });
  people.push({ id: user(['institution-admin'], inst), enrolled: 'active' }); // staff of this course's institution
  people.push({ id: user(['institution-admin'], otherInst), enrolled: 'active' }); // of another: a learner here
  people.push({ id: user(['institution-admin']), enrolled: 'unenrolled' }); // of none: a learner here
  people.push({ id: user(), enrolled: null }); // progress but no enrolment (a former lecturer's preview)
  people.push({ id: user(['lecturer', 'admin']), enrolled: null });

  const at = () => start - (rand() < 0.03 ? Math.floor(rand() * 5 * DAY) : 0) + Math.floor(rand() * (spanDays + (rand() < 0.03 ? 3 : 0)) * DAY);
  const insertProgress = t.db.$client.prepare(
    `INSERT INTO lesson_progress (user_id, lesson_id, course_id, position, watched_ranges, watched_seconds, first_opened_at, updated_at, completed_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?)`,
  );
  const insertAttempt = t.db.$client.prepare(
    `INSERT INTO attempts (id, lesson_id, user_id, layout, answers, started_at, submitted_at, score, max_score, percent, passed, results) VALUES (?, ?, ?, '{}', ?, ?, ?, 0, 6, ?, ?, ?)`,
  );
  const rangesFor = (duration: number) => {
    const r = rand();
    if (r < 0.05) return 'not json';
    if (r < 0.08) return '[]';
    if (r < 0.12) return JSON.stringify([[duration * 0.6, duration * 0.9], [0, duration * 0.2]]); // not sorted
    if (r < 0.15) return JSON.stringify([[0, duration * 0.7], [duration * 0.5, duration * 1.3]]); // overlapping, past the end
    if (r < 0.45) return JSON.stringify([[0, duration]]);
    const a = Math.round(rand() * duration * 10) / 10;
    return JSON.stringify(rand() < 0.5 ? [[0, a]] : [[0, a / 3], [a / 2, a]]);
  };
  for (const p of people) {
    const enrolledAt = at();
    if (p.enrolled) {
      const done = rand() < 0.3 ? at() : null;
      t.db.$client
        .prepare('INSERT INTO enrolments (id, course_id, user_id, status, enrolled_at, unenrolled_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(randomUUID(), course.id, p.id, p.enrolled, enrolledAt, p.enrolled === 'unenrolled' ? at() : null, done);
    }
    for (const lesson of lessons) {
      if (rand() < 0.35) continue;
      const opened = at();
      const updated = rand() < 0.8 ? opened + Math.floor(rand() * 3 * DAY) : at();
      const completed = rand() < 0.5 ? updated : rand() < 0.1 ? at() : null;
      const duration = lesson.kind === 'video' ? [100, 250, 37.5][lessons.filter((l) => l.kind === 'video').indexOf(lesson)] : 0;
      const ranges = lesson.kind === 'video' && rand() < 0.9 ? rangesFor(duration) : '[]';
      insertProgress.run(p.id, lesson.id, course.id, ranges, ranges === '[]' && rand() < 0.9 ? 0 : 1 + rand() * duration, opened, updated, completed);
    }
    for (const lesson of quizzes) {
      const tries = Math.floor(rand() * 4);
      let when = at();
      for (let k = 0; k < tries; k++) {
        const submitted = rand() < 0.8 ? when + Math.floor(rand() * DAY) : null;
        const answers: Record<string, unknown> = {};
        const results: Record<string, { outcome: string }> = {};
        for (const qu of questions.filter((x) => x.lessonId === lesson.id)) {
          const outcome = pick(['correct', 'incorrect', 'partial', 'unanswered', 'incorrect']);
          results[qu.id] = { outcome };
          if (outcome === 'unanswered') continue;
          answers[qu.id] =
            qu.type === 'single' ? pick(['a', 'b', 'c', 'zz'])
            : qu.type === 'multiple' ? pick([['a', 'b'], ['b', 'c'], ['c'], [], ['a', 7]])
            : qu.type === 'numeric' ? pick([41, 42.5, 0.1 + 0.2, 1e21, -3, '41'])
            : qu.type === 'trueFalse' ? pick(['true', 'false', true])
            : qu.type === 'text' ? pick(['  Paris ', 'paris', 'LYON', '', 'été'])
            : ['b', 'a'];
        }
        const percent = rand() < 0.1 ? null : Math.round(rand() * 1000) / 10 + (rand() < 0.3 ? 1 / 3 : 0);
        const tie = k > 0 && rand() < 0.2; // same second as the attempt before
        if (!tie) when += Math.floor(rand() * 2 * DAY);
        const brokenAnswers = rand() < 0.03;
        insertAttempt.run(randomUUID(), lesson.id, p.id, brokenAnswers ? '{not json' : JSON.stringify(answers), when, submitted === null ? null : tie ? when : submitted, percent, percent === null ? null : percent >= 50 ? 1 : 0, rand() < 0.05 ? null : JSON.stringify({ questions: results }));
      }
    }
  }
  return { course, lessons, people };
}

describe('course analytics, against the plain version', () => {
  for (const [span, granularity] of [[20, 'day'], [400, 'week'], [1100, 'month']] as const) {
    it(`gives the same figures for a course of ${span} days (${granularity}s)`, async () => {
      const { course } = world(span, span);
      const fast = await courseAnalytics(t.db, course.id, NOW);
      expect(fast.granularity).toBe(granularity);
      expect(fast.summary.enrolments).toBeGreaterThan(50);
      expect(fast.quizzes.every((q) => q.learners > 0)).toBe(true);
      expect(fast).toStrictEqual(await referenceAnalytics(t.db, course.id, NOW));
    });
  }

  it('gives the same figures when a watched range holds the separator, and for a course without learners', async () => {
    const { course, lessons } = world(7, 30);
    const video = lessons.find((l) => l.kind === 'video')!;
    const changed = t.db.$client
      .prepare(
        `UPDATE lesson_progress SET watched_ranges = '[[0,5]]' || char(1), watched_seconds = 5
          WHERE lesson_id = ? AND user_id = (SELECT user_id FROM enrolments WHERE course_id = ? AND user_id IN (SELECT user_id FROM lesson_progress WHERE lesson_id = ?) LIMIT 1)`,
      )
      .run(video.id, course.id, video.id);
    expect(changed.changes).toBe(1);
    expect(await courseAnalytics(t.db, course.id, NOW)).toStrictEqual(await referenceAnalytics(t.db, course.id, NOW));
    const empty = buildCourse(t, { modules: [[{ kind: 'video' }, { kind: 'quiz' }]] }).course;
    expect(await courseAnalytics(t.db, empty.id, NOW)).toStrictEqual(await referenceAnalytics(t.db, empty.id, NOW));
  });

  it('stays the same through heartbeats, completions, unenrolment, account deletion and lesson deletion', async () => {
    const { course, lessons } = world(11, 200);
    const lecturer = await registerUser(t, { roles: ['lecturer'] });
    t.db.$client.prepare(`INSERT INTO course_lecturers (course_id, user_id, role, position) VALUES (?, ?, 'co-lecturer', 5)`).run(course.id, lecturer.id);
    const learners: Actor[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await registerUser(t);
      enrol(t, { courseId: course.id, userId: a.id });
      learners.push(a);
    }
    const same = async () => {
      const now = t.clock();
      expect(await courseAnalytics(t.db, course.id, now)).toStrictEqual(await referenceAnalytics(t.db, course.id, now));
    };
    const video = lessons.find((l) => l.kind === 'video')!;
    for (const [i, a] of learners.entries()) {
      expect((await as(t, a).post('/api/progress/heartbeat', beat(video.id, [[0, 20 + i * 30]]))).statusCode).toBe(204);
    }
    t.clock.advance(60_000);
    expect((await as(t, learners[0]).post('/api/progress/heartbeat', beat(video.id, [[20, 100]], 100))).statusCode).toBe(204);
    await same(); // the beats are still in the buffer: both flush first
    expect((await as(t, learners[1]).post(`/api/lessons/${lessons[0].id}/complete`)).statusCode).toBeLessThan(300);
    await same();
    expect((await as(t, learners[2]).delete(`/api/courses/${course.id}/enrolment`)).statusCode).toBe(204);
    await same();
    expect((await as(t, learners[0]).delete('/api/me', { password: GOOD_PASSWORD })).statusCode).toBe(204);
    await same();
    expect((await as(t, lecturer).delete(`/api/lessons/${video.id}`)).statusCode).toBe(204);
    await same();
  });
});

describe('retention buckets', () => {
  it('counts like covering each part viewer by viewer, also for unsorted, overlapping and odd ranges', () => {
    const rand = prng(3);
    for (let i = 0; i < 2000; i++) {
      const duration = [100, 37.3, 1, 0.3, 613, 0, -5][i % 7] * (rand() < 0.5 ? 1 : rand() * 3);
      const viewers: [number, number][][] = [];
      for (let v = 0; v < 1 + Math.floor(rand() * 5); v++) {
        const r: [number, number][] = [];
        let x = rand() < 0.2 ? -rand() * 10 : 0;
        for (let j = 0; j < Math.floor(rand() * 4); j++) {
          const a = rand() < 0.1 ? rand() * duration * 1.5 : x + (rand() * duration) / 3;
          const b = rand() < 0.05 ? a - 1 : a + (rand() * duration) / 2;
          r.push(rand() < 0.03 ? ([a] as unknown as [number, number]) : rand() < 0.02 ? [a, NaN] : [a, b]);
          x = b;
        }
        viewers.push(r);
      }
      const buckets = [20, 2, 1, 7][i % 4];
      expect(retentionBuckets(viewers, duration, buckets)).toStrictEqual(referenceRetention(viewers, duration, buckets));
    }
  });
});

describe('course analytics queries', () => {
  it('read the course from the covering indexes, learner by learner', async () => {
    const { course } = world(5, 60);
    const c = t.db.$client;
    const prepare = c.prepare.bind(c);
    const statements: string[] = [];
    c.prepare = ((sql: string) => {
      statements.push(sql);
      return prepare(sql);
    }) as typeof c.prepare;
    try {
      await courseAnalytics(t.db, course.id, NOW);
    } finally {
      c.prepare = prepare;
    }
    const plan = (sql: string) =>
      (prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ course: course.id, staff: '[]', ids: '[]' }) as { detail: string }[]).map((r) => r.detail).join('\n');
    const learners = statements.filter((s) => s.startsWith('WITH learner'));
    expect(learners.length).toBeGreaterThanOrEqual(4);
    for (const sql of learners) {
      const p = plan(sql);
      // Never a whole table, and never the table rows of enrolments or progress.
      expect(p).not.toMatch(/SCAN (enrolments|lesson_progress|attempts)\b/);
      expect(p).not.toMatch(/(enrolments|lesson_progress|\bp) USING INDEX/);
      if (sql.includes('lesson_progress')) expect(p).toMatch(/SEARCH enrolments USING COVERING INDEX \w+ \(course_id=\?\)[\s\S]*SEARCH p USING COVERING INDEX lesson_progress_course_idx \(course_id=\? AND user_id=\?\)/);
    }
    expect(learners.map(plan).join('\n')).toMatch(/COVERING INDEX enrolments_course_learners_idx/);
    expect(learners.map(plan).join('\n')).toMatch(/SEARCH a USING COVERING INDEX attempts_lesson_user_idx/);
    expect(plan(statements.find((s) => s.includes(`roles <> '[]'`))!)).toMatch(/USING COVERING INDEX users_with_roles_idx/);
  });
});
