import { randomUUID } from 'node:crypto';
import { courseLecturers, courses, enrolments, lessons, modules } from '../../db/schema/index.ts';
import type { QuestionInput } from '../../server/quizzes/schema.ts';
import { as, buildTestApp, registerUser, type Actor, type TestApp } from './app.ts';

/**
 * Quiz tests build their courses straight in the database, so they depend on nothing but the schema and the
 * access rules (server/courses/access.ts), not on the course routes.
 */
export async function buildQuizTestApp(): Promise<TestApp> {
  const t = await buildTestApp({ LOGIN_RATE_PER_IP_PER_MINUTE: '10000' });
  // On a busy machine, compiling the app blocks the event loop long enough for @fastify/under-pressure to
  // answer 503 to the first requests. Let its overdue sampling timer run first (a later timer fires after it),
  // then wait, at most a few samples, until it has measured a calm loop again.
  await new Promise((r) => setTimeout(r, 5));
  for (let i = 0; i < 50 && t.app.memoryUsage().eventLoopDelay > 1000; i++) await new Promise((r) => setTimeout(r, 100));
  return t;
}

export function insertCourse(t: TestApp, opts: { status?: 'draft' | 'published' | 'archived'; lecturers?: string[]; institutionId?: string | null } = {}) {
  const now = t.clock();
  const courseId = randomUUID();
  t.db.insert(courses).values({
    id: courseId,
    slug: `course-${courseId.slice(0, 8)}`,
    title: 'Statistiek voor beginners',
    status: opts.status ?? 'published',
    institutionId: opts.institutionId ?? null,
    createdAt: now,
    updatedAt: now,
    publishedAt: opts.status === 'draft' ? null : now,
  }).run();
  (opts.lecturers ?? []).forEach((userId, position) => {
    t.db.insert(courseLecturers).values({ courseId, userId, role: position === 0 ? 'owner' : 'co-lecturer', position }).run();
  });
  const moduleId = randomUUID();
  t.db.insert(modules).values({ id: moduleId, courseId, title: 'Module 1', position: 0, createdAt: now, updatedAt: now }).run();
  return { courseId, moduleId };
}

export function insertLesson(t: TestApp, course: { courseId: string; moduleId: string }, kind: 'quiz' | 'text' | 'video' = 'quiz', position = 0) {
  const id = randomUUID();
  const now = t.clock();
  t.db.insert(lessons).values({ id, moduleId: course.moduleId, courseId: course.courseId, title: `A ${kind} lesson`, kind, position, createdAt: now, updatedAt: now }).run();
  return id;
}

export function insertEnrolment(t: TestApp, userId: string, courseId: string, status: 'active' | 'unenrolled' = 'active') {
  t.db.insert(enrolments).values({ id: randomUUID(), courseId, userId, status, enrolledAt: t.clock() }).run();
}

/** A published course with a quiz lesson, a text lesson, a draft course with a quiz, and one user per role. */
export async function quizWorld(t: TestApp) {
  const lecturer = await registerUser(t, { name: 'Lotte Lector', roles: ['lecturer'] });
  const otherLecturer = await registerUser(t, { name: 'Otto Other', roles: ['lecturer'] });
  const learner = await registerUser(t, { name: 'Lars Leerling' });
  const stranger = await registerUser(t, { name: 'Nina Not-enrolled' });
  const admin = await registerUser(t, { name: 'Ada Admin', roles: ['admin'] });
  const course = insertCourse(t, { lecturers: [lecturer.id] });
  const lessonId = insertLesson(t, course, 'quiz', 0);
  const textLessonId = insertLesson(t, course, 'text', 1);
  const draft = insertCourse(t, { status: 'draft', lecturers: [lecturer.id] });
  const draftLessonId = insertLesson(t, draft, 'quiz');
  insertEnrolment(t, learner.id, course.courseId);
  insertEnrolment(t, learner.id, draft.courseId);
  return { lecturer, otherLecturer, learner, stranger, admin, course, lessonId, textLessonId, draft, draftLessonId };
}

/** One question of every type, with a known answer key. */
export function everyType(): QuestionInput[] {
  return [
    {
      type: 'single',
      title: 'Hoofdstad',
      text: 'Wat is de hoofdstad van **België**?',
      choices: [
        { text: 'Brussel', correct: true, feedback: 'Juist.' },
        { text: 'Antwerpen', correct: false, credit: 25, feedback: 'Grootste stad, niet de hoofdstad.' },
        { text: 'Gent', correct: false },
      ],
      explanation: 'Brussel is de hoofdstad.',
    },
    {
      type: 'multiple',
      text: 'Which are prime?',
      scoring: 'partial',
      choices: [
        { text: '2', correct: true },
        { text: '3', correct: true },
        { text: '4', correct: false, feedback: '4 = 2 × 2' },
        { text: '9', correct: false },
      ],
    },
    { type: 'trueFalse', text: 'The earth is flat.', answer: false, feedbackTrue: 'No.', feedbackFalse: 'Right.' },
    { type: 'numeric', text: 'What is π to two decimals?', answers: [{ value: 3.14, tolerance: 0.01, feedback: 'Good' }, { min: 3, max: 3.3, credit: 50 }], wrongFeedback: 'Try 22/7.' },
    { type: 'text', text: 'Name the author of *Max Havelaar*.', answers: [{ text: 'Multatuli' }, { text: 'Eduard Douwes Dekker', credit: 100 }] },
    { type: 'ordering', text: 'Order from small to large.', scoring: 'adjacent', items: [{ text: 'mm' }, { text: 'cm' }, { text: 'dm' }, { text: 'm' }] },
    {
      type: 'matching',
      text: 'Match country and capital.',
      pairs: [
        { left: 'Belgium', right: 'Brussels' },
        { left: 'France', right: 'Paris' },
        { left: 'Italy', right: 'Rome' },
      ],
      distractors: ['Lyon'],
    },
  ];
}

export async function putQuiz(t: TestApp, actor: Actor, lessonId: string, body: unknown) {
  const res = await as(t, actor).put(`/api/lessons/${lessonId}/quiz/edit`, body);
  if (res.statusCode !== 200) throw new Error(`put quiz: ${res.statusCode} ${res.body}`);
  return res.json();
}
