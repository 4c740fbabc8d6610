import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, registerUser, type Actor, type TestApp } from '../helpers/app.ts';
import { buildCourse } from '../helpers/progress.ts';
import { enrol } from '../helpers/factories.ts';
import { bucketsFor, retentionBuckets } from '../../server/stats/analytics.ts';

/**
 * Course analytics for staff, against a small course worked out by hand: four learners (L1..L4) and the lecturer,
 * whose own progress never counts.
 *   text lesson:  opened by L1..L4, completed by L1..L3
 *   video (100 s): L1 watched 0-100, L2 0-50, L3 0-20 and 60-70, L4 opened it without watching
 *   quiz: q1 single (Paris right; Lyon, Nice wrong), q2 numeric (42), q3 true/false (true)
 *     first attempts: L1 Paris/42/true (100 %), L2 Lyon/41/false (0 %), L3 Lyon/-/true (33.3 %), L4 Nice/41/- (0 %)
 *     L3's second attempt (all right) and the lecturer's attempt do not count.
 */
const DAY = 86_400_000;
let t: TestApp;
let lecturer: Actor;
let courseId: string;
let lessons: { id: string }[];
const L: string[] = [];

function progress(lessonId: string, userId: string, at: number, opts: { completed?: boolean; ranges?: [number, number][] } = {}) {
  const ranges = opts.ranges ?? [];
  const watched = ranges.reduce((s, [a, b]) => s + b - a, 0);
  t.db.$client
    .prepare(
      `INSERT INTO lesson_progress (user_id, lesson_id, course_id, watched_ranges, watched_seconds, first_opened_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(userId, lessonId, courseId, JSON.stringify(ranges), watched, at, at, opts.completed ? at : null);
}

function attempt(userId: string, at: number, answers: Record<string, unknown>, outcomes: Record<string, string>, percent: number) {
  t.db.$client
    .prepare(
      `INSERT INTO attempts (id, lesson_id, user_id, layout, answers, started_at, submitted_at, score, max_score, percent, passed, results) VALUES (?, ?, ?, '{}', ?, ?, ?, ?, 3, ?, ?, ?)`,
    )
    .run(randomUUID(), lessons[2].id, userId, JSON.stringify(answers), at, at, percent / 100 * 3, percent, percent >= 50 ? 1 : 0, JSON.stringify({ questions: Object.fromEntries(Object.entries(outcomes).map(([q, outcome]) => [q, { outcome }])) }));
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_PER_IP_PER_MINUTE: '10000', STATS_MAX_AGE_SECONDS: '0' });
  lecturer = await registerUser(t, { name: 'Lucas Lecturer', roles: ['lecturer'] });
  for (let i = 1; i <= 4; i++) L.push((await registerUser(t, { name: `L${i}` })).id);
  const built = buildCourse(t, { lecturerId: lecturer.id, modules: [[{ kind: 'text', title: 'Intro' }, { kind: 'video', title: 'Film', duration: 100 }, { kind: 'quiz', title: 'Toets' }]] });
  courseId = built.course.id;
  lessons = built.lessons;
  const now = t.clock();
  for (const u of L) enrol(t, { courseId, userId: u });
  enrol(t, { courseId, userId: lecturer.id });
  const q = (id: string, position: number, type: string, text: string, data: object) =>
    t.db.$client
      .prepare('INSERT INTO questions (id, lesson_id, position, type, text, points, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)')
      .run(id, lessons[2].id, position, type, text, JSON.stringify(data), now, now);
  q('q1', 0, 'single', 'What is the **capital** of France?', { choices: [{ id: 'a', text: 'Paris', correct: true }, { id: 'b', text: 'Lyon', correct: false }, { id: 'c', text: 'Nice', correct: false }] });
  q('q2', 1, 'numeric', 'The answer?', { answers: [{ value: 42, tolerance: 0 }] });
  q('q3', 2, 'trueFalse', 'True?', { answer: true });

  const day1 = now + DAY;
  const day2 = now + 2 * DAY;
  L.forEach((u, i) => progress(lessons[0].id, u, day1, { completed: i < 3 }));
  progress(lessons[1].id, L[0], day1, { ranges: [[0, 100]], completed: true });
  progress(lessons[1].id, L[1], day1, { ranges: [[0, 50]] });
  progress(lessons[1].id, L[2], day2, { ranges: [[0, 20], [60, 70]] });
  progress(lessons[1].id, L[3], day2);
  L.forEach((u, i) => progress(lessons[2].id, u, day2, { completed: i === 0 }));
  t.db.$client.prepare('UPDATE enrolments SET completed_at = ? WHERE user_id = ? AND course_id = ?').run(day2, L[0], courseId);
  attempt(L[0], day2, { q1: 'a', q2: 42, q3: 'true' }, { q1: 'correct', q2: 'correct', q3: 'correct' }, 100);
  attempt(L[1], day2, { q1: 'b', q2: 41, q3: 'false' }, { q1: 'incorrect', q2: 'incorrect', q3: 'incorrect' }, 0);
  attempt(L[2], day2, { q1: 'b', q3: 'true' }, { q1: 'incorrect', q2: 'unanswered', q3: 'correct' }, 33.3);
  attempt(L[3], day2, { q1: 'c', q2: 41 }, { q1: 'incorrect', q2: 'incorrect', q3: 'unanswered' }, 0);
  attempt(L[2], day2 + 1000, { q1: 'a', q2: 42, q3: 'true' }, { q1: 'correct', q2: 'correct', q3: 'correct' }, 100);
  // The lecturer tries everything out: none of it counts.
  progress(lessons[0].id, lecturer.id, day1, { completed: true });
  progress(lessons[1].id, lecturer.id, day1, { ranges: [[0, 100]], completed: true });
  attempt(lecturer.id, day1, { q1: 'c', q2: 7, q3: 'false' }, { q1: 'incorrect', q2: 'incorrect', q3: 'incorrect' }, 0);
  t.clock.set(now + 3 * DAY);
}, 30_000);

describe('GET /api/courses/:id/analytics', () => {
  let body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    const res = await as(t, lecturer).get(`/api/courses/${courseId}/analytics`);
    expect(res.statusCode).toBe(200);
    body = res.json();
  });

  it('sums up the learners, without the lecturer', () => {
    expect(body.course.id).toBe(courseId);
    expect(body.summary).toEqual({ enrolments: 4, currentlyEnrolled: 4, shows: 4, completions: 1, completionRateOfShows: 0.25 });
  });

  it('shows enrolments and active learners per day for a young course', () => {
    expect(body.granularity).toBe('day');
    // Day 0 all enrol; day 1 all open the text lesson; day 2 the rest, and L1 completes; day 3 is today.
    expect(body.timeline.map((p: { enrolments: number; activeLearners: number; completions: number }) => [p.enrolments, p.activeLearners, p.completions])).toEqual([
      [4, 4, 0],
      [0, 4, 0],
      [0, 4, 1],
      [0, 0, 0],
    ]);
    expect(body.timeline[0].period).toBe(new Date(t.clock() - 3 * DAY).toISOString().slice(0, 10));
  });

  it('has the completion funnel per lesson, in reading order', () => {
    expect(body.funnel.map((s: { title: string; kind: string; started: number; completed: number }) => [s.title, s.kind, s.started, s.completed])).toEqual([
      ['Intro', 'text', 4, 3],
      ['Film', 'video', 4, 1],
      ['Toets', 'quiz', 4, 1],
    ]);
  });

  it('has the audience retention of the video in twenty parts', () => {
    expect(body.videos).toHaveLength(1);
    const v = body.videos[0];
    expect(v).toMatchObject({ lessonId: lessons[1].id, title: 'Film', durationSeconds: 100, viewers: 3 });
    expect(v.buckets).toHaveLength(20);
    expect(v.buckets[0]).toEqual({ fromSecond: 0, toSecond: 5, viewers: 3, share: 1 });
    expect(v.buckets.map((b: { viewers: number }) => b.viewers)).toEqual([3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1]);
    expect(v.buckets[4].share).toBe(0.667);
  });

  it('has the results per quiz question: difficulty and the wrong answer chosen most', () => {
    expect(body.quizzes).toHaveLength(1);
    const quiz = body.quizzes[0];
    expect(quiz).toMatchObject({ lessonId: lessons[2].id, title: 'Toets', learners: 4, averagePercent: 33.3, passed: 1 });
    expect(quiz.questions).toEqual([
      { questionId: 'q1', position: 1, type: 'single', text: 'What is the capital of France?', answered: 4, correct: 1, partial: 0, difficulty: 0.25, mostChosenWrong: { answer: 'Lyon', count: 2 } },
      { questionId: 'q2', position: 2, type: 'numeric', text: 'The answer?', answered: 3, correct: 1, partial: 0, difficulty: 0.333, mostChosenWrong: { answer: '41', count: 2 } },
      { questionId: 'q3', position: 3, type: 'trueFalse', text: 'True?', answered: 3, correct: 2, partial: 0, difficulty: 0.667, mostChosenWrong: { answer: 'false', count: 1 } },
    ]);
  });
});

describe('analytics helpers', () => {
  it('chooses days, weeks from Monday, or months', () => {
    const start = Date.UTC(2026, 0, 7, 15); // a Wednesday
    expect(bucketsFor(start, start + 10 * DAY).granularity).toBe('day');
    const weeks = bucketsFor(start, start + 100 * DAY);
    expect(weeks.granularity).toBe('week');
    expect(new Date(weeks.starts[0]).toISOString()).toBe('2026-01-05T00:00:00.000Z');
    const months = bucketsFor(start, start + 800 * DAY);
    expect(months.granularity).toBe('month');
    expect(months.label(months.starts[0])).toBe('2026-01');
  });

  it('counts a viewer in a part of the video when they watched at least half of it', () => {
    expect(retentionBuckets([[[0, 7.5]], [[2, 4]]], 10, 2).map((b) => b.viewers)).toEqual([1, 1]);
    expect(retentionBuckets([], 10, 2).map((b) => b.share)).toEqual([0, 0]);
  });
});
