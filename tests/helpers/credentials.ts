import { randomUUID } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { buildTestApp, registerUser, type Actor, type TestApp } from './app.ts';
import { enrol, makeCourse, makeModule } from './factories.ts';

/** Rows straight into the database for the credential tests: a course with lessons, quizzes and progress. */

export interface CourseSpec {
  lecturerId: string;
  title?: string;
  status?: 'draft' | 'published' | 'archived';
  /** Lessons in one module; quizzes get a question, and `mode` in their settings. */
  lessons: { kind?: 'text' | 'quiz'; optional?: boolean; mode?: 'graded' | 'practice' }[];
  institutionId?: string | null;
}

export function buildCourse(t: TestApp, spec: CourseSpec) {
  const course = makeCourse(t, { status: spec.status ?? 'published', lecturerId: spec.lecturerId, title: spec.title, institutionId: spec.institutionId ?? null });
  const mod = makeModule(t, { courseId: course.id });
  const now = t.clock();
  const lessonIds = spec.lessons.map((l, i) => {
    const id = randomUUID();
    t.db.$client
      .prepare(`INSERT INTO lessons (id, module_id, course_id, title, kind, position, optional, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(id, mod.id, course.id, `Lesson ${i + 1}`, l.kind ?? 'text', i, l.optional ? 1 : 0, now, now);
    if (l.kind === 'quiz') {
      t.db.$client.prepare(`INSERT INTO quizzes (lesson_id, settings, updated_at) VALUES (?, ?, ?)`).run(id, JSON.stringify({ mode: l.mode ?? 'graded', passMark: 50 }), now);
      t.db.$client
        .prepare(`INSERT INTO questions (id, lesson_id, position, type, text, points, data, created_at, updated_at) VALUES (?, ?, 0, 'trueFalse', 'Q?', 1, '{"answer":true}', ?, ?)`)
        .run(randomUUID(), id, now, now);
    }
    return id;
  });
  return { course, lessonIds };
}

export function completeLessons(t: TestApp, userId: string, courseId: string, lessonIds: string[]) {
  const now = t.clock();
  for (const lessonId of lessonIds) {
    t.db.$client
      .prepare(
        `INSERT INTO lesson_progress (user_id, lesson_id, course_id, first_opened_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, lesson_id) DO UPDATE SET completed_at = coalesce(completed_at, excluded.completed_at)`,
      )
      .run(userId, lessonId, courseId, now, now, now);
  }
}

export function completeCourse(t: TestApp, userId: string, courseId: string) {
  t.db.$client.prepare(`UPDATE enrolments SET completed_at = ? WHERE user_id = ? AND course_id = ?`).run(t.clock(), userId, courseId);
}

export function submitAttempt(t: TestApp, userId: string, lessonId: string, percent: number) {
  const now = t.clock();
  t.db.$client
    .prepare(
      `INSERT INTO attempts (id, lesson_id, user_id, layout, answers, started_at, submitted_at, score, max_score, percent, passed)
       VALUES (?, ?, ?, '{}', '{}', ?, ?, ?, 100, ?, ?)`,
    )
    .run(randomUUID(), lessonId, userId, now, now, percent, percent, percent >= 50 ? 1 : 0);
}

export function setCourseFacts(t: TestApp, courseId: string, facts: { learningOutcomes?: string[]; workloadHours?: number | null; ects?: number | null; eqfLevel?: number | null; prerequisites?: string; institutionId?: string | null }) {
  const cols: Record<string, string> = { learningOutcomes: 'learning_outcomes', workloadHours: 'workload_hours', ects: 'ects', eqfLevel: 'eqf_level', prerequisites: 'prerequisites', institutionId: 'institution_id' };
  for (const [k, v] of Object.entries(facts)) {
    t.db.$client.prepare(`UPDATE courses SET ${cols[k]} = ? WHERE id = ?`).run(Array.isArray(v) ? JSON.stringify(v) : v, courseId);
  }
}

export function makeInstitution(t: TestApp, opts: { nameNl?: string; nameEn?: string; logoUrl?: string | null; kbo?: string } = {}) {
  const id = randomUUID();
  const now = t.clock();
  t.db.$client
    .prepare(`INSERT INTO institutions (id, short_name, name_nl, name_en, country, kbo_number, logo_url, homepage, created_at, updated_at) VALUES (?, ?, ?, ?, 'BE', ?, ?, ?, ?, ?)`)
    .run(id, `inst-${id.slice(0, 6)}`, opts.nameNl ?? 'Universiteit Gent', opts.nameEn ?? 'Ghent University', opts.kbo ?? '0248.015.142', opts.logoUrl ?? null, 'https://www.ugent.be', now, now);
  return id;
}

export async function credentialWorld(env: Record<string, string> = {}) {
  const t = await buildTestApp({ LOGIN_RATE_PER_IP_PER_MINUTE: '10000', BASE_URL: 'https://leerpad.example.be', ...env });
  const lecturer = await registerUser(t, { name: 'Lies Lector', roles: ['lecturer'] });
  const otherLecturer = await registerUser(t, { name: 'Otto Ander', roles: ['lecturer'] });
  const learner = await registerUser(t, { name: 'Lena Leerling' });
  const other = await registerUser(t, { name: 'Omar Outsider' });
  const enrolIn = (actor: Actor, courseId: string) => enrol(t, { courseId, userId: actor.id });
  return { t, lecturer, otherLecturer, learner, other, enrolIn };
}

/**
 * The text drawn with the standard PDF fonts: every stream inflated (when compressed), then the hex strings of
 * each TJ/Tj operator decoded as Windows-1252 (Latin-1 is close enough for tests) and joined.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    let body = pdf.subarray(start, end);
    try {
      body = inflateSync(body);
    } catch {
      // not compressed
    }
    const content = body.toString('latin1');
    for (const tj of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const parts = tj[1] !== undefined ? [...tj[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((p) => p[1]) : [tj[2]];
      out.push(parts.map((h) => Buffer.from(h, 'hex').toString('latin1')).join(''));
    }
    re.lastIndex = end;
  }
  return out.join('\n');
}
