import { createInstitutionService } from '../../server/institutions/service.ts';
import { as, buildTestApp, registerUser, type Actor, type TestApp } from './app.ts';

/** Course factories for tests: everything goes through the API, as a lecturer would do it. */

export async function buildCourseTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  // Each test registers several users from the same (injected) address: lift the per-IP limit.
  return buildTestApp({ LOGIN_RATE_PER_IP_PER_MINUTE: '10000', ...env });
}

/** Two institutions and one user for every role the course rules distinguish. */
export async function courseWorld(t: TestApp) {
  const institutions = createInstitutionService(t.db, t.clock);
  const inst = institutions.create({ shortName: 'HOGENT', nameNl: 'Hogeschool Gent', nameEn: 'University College Ghent' });
  const otherInst = institutions.create({ shortName: 'KUL', nameNl: 'KU Leuven', nameEn: 'KU Leuven' });
  const owner = await registerUser(t, { name: 'Olga Owner', roles: ['lecturer'], institutionId: inst.id });
  const otherLecturer = await registerUser(t, { name: 'Otto Other', roles: ['lecturer'], institutionId: otherInst.id });
  const learner = await registerUser(t, { name: 'Lena Learner' });
  const enrolled = await registerUser(t, { name: 'Eva Enrolled' });
  const instAdmin = await registerUser(t, { name: 'Ines Instadmin', roles: ['institution-admin'], institutionId: inst.id });
  const otherInstAdmin = await registerUser(t, { name: 'Ivo Otheradmin', roles: ['institution-admin'], institutionId: otherInst.id });
  const admin = await registerUser(t, { name: 'Ada Admin', roles: ['admin'] });
  return { inst, otherInst, owner, otherLecturer, learner, enrolled, instAdmin, otherInstAdmin, admin };
}
export type World = Awaited<ReturnType<typeof courseWorld>>;

export interface CourseSpec {
  [field: string]: unknown;
  modules?: { title: string; lessons: { title: string; kind?: 'text' | 'video' | 'quiz'; body?: string; estimatedMinutes?: number; optional?: boolean }[] }[];
  publish?: boolean;
}

/** Creates a course with modules and lessons; publishes it when asked. Returns the landing page as staff sees it. */
export async function makeCourse(t: TestApp, owner: Actor, spec: CourseSpec = {}) {
  const { modules = [{ title: 'Module 1', lessons: [{ title: 'Lesson 1', body: '# Hello' }] }], publish = false, ...fields } = spec;
  const api = as(t, owner);
  const created = await api.post('/api/courses', { title: 'A course', summary: 'What it is about.', languages: ['nl'], ...fields });
  if (created.statusCode !== 201) throw new Error(`create course: ${created.statusCode} ${created.body}`);
  const id = created.json().course.id as string;
  for (const m of modules) {
    const mod = await api.post(`/api/courses/${id}/modules`, { title: m.title });
    if (mod.statusCode !== 201) throw new Error(`create module: ${mod.statusCode} ${mod.body}`);
    for (const l of m.lessons) {
      const les = await api.post(`/api/modules/${mod.json().module.id}/lessons`, { kind: 'text', ...l });
      if (les.statusCode !== 201) throw new Error(`create lesson: ${les.statusCode} ${les.body}`);
    }
  }
  if (publish) {
    const res = await api.post(`/api/courses/${id}/publish`);
    if (res.statusCode !== 200) throw new Error(`publish: ${res.statusCode} ${res.body}`);
  }
  const res = await api.get(`/api/courses/${id}`);
  return res.json().course as {
    id: string;
    slug: string;
    status: string;
    syllabus: { id: string; title: string; lessons: { id: string; title: string }[] }[];
    [k: string]: unknown;
  };
}

export async function enrol(t: TestApp, actor: Actor, courseId: string) {
  const res = await as(t, actor).post(`/api/courses/${courseId}/enrolment`);
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`enrol: ${res.statusCode} ${res.body}`);
}
