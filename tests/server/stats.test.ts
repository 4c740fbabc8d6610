import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, expectProblem, registerUser, type Actor, type TestApp } from '../helpers/app.ts';
import { makeCourse, makeLesson } from '../helpers/factories.ts';
import { createInstitutionService } from '../../server/institutions/service.ts';
import { CellTable } from '../../server/stats/suppress.ts';

/**
 * Open statistics against a seeded scenario whose every figure is worked out by hand below, small-cell
 * suppression (including the differencing case) and CSV.
 *
 * Months: December 2025 (D) and January 2026 (J); "now" is 20 January 2026.
 * Learners u0..u49 (+ u50, an administrator of institution A who follows B1 as a learner).
 *   country: u0..u29 BE, u30..u39 NL, u40..u44 DE, u45..u49 none; home institution: u0..u11 "UGent", u12..u13 "ugent "
 *
 *   A1 (inst A)            u0..u24 enrolled 10 D; u20..u24 unenrolled 2 J; u0..u21 opened a lesson 11 D;
 *                          u0..u11 completed lesson and course 10 J; credentials u0..u10 11 J (+ u11 revoked)
 *   A2 (inst A)            u0..u4 enrolled 12 J and opened a lesson 12 J
 *   B1 (inst B)            u25..u49 enrolled 15 D, u50 enrolled 5 J; u25..u34 opened a lesson 16 D;
 *                          u25..u29 completed 8 J
 *   X1 (no institution)    u0..u11 enrolled 14 J, nothing else
 *   A3 (inst A, unlisted)  u45..u49 enrolled 15 J, u45 opened a lesson: not in the open statistics
 *   Staff, never counted:  A's lecturer in A1 (with progress), B's lecturer and the platform admin in B1, u50 in A2.
 */
const D = (day: number) => Date.UTC(2025, 11, day, 10);
const J = (day: number) => Date.UTC(2026, 0, day, 10);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

let t: TestApp;
let lecturerA: Actor;
let lecturerB: Actor;
let admin: Actor;
let instAdminA: Actor;
let instAdminB: Actor;
let learnerActor: Actor;
const u: string[] = [];
const course: Record<string, { id: string; slug: string }> = {};
let instA: { id: string };
let instB: { id: string };

function insertUser(i: number, opts: { country?: string | null; home?: string | null } = {}) {
  const id = randomUUID();
  t.db.$client
    .prepare(
      `INSERT INTO users (id, email, name, password_hash, roles, institution_id, disabled, country, home_institution, created_at, updated_at)
       VALUES (?, ?, ?, 'x', '[]', NULL, 0, ?, ?, ?, ?)`,
    )
    .run(id, `learner${i}.${id.slice(0, 6)}@example.test`, `Learner ${i}`, opts.country ?? null, opts.home ?? null, D(1), D(1));
  return id;
}

function enrolAt(courseId: string, userId: string, at: number, opts: { unenrolledAt?: number; completedAt?: number } = {}) {
  t.db.$client
    .prepare(`INSERT INTO enrolments (id, course_id, user_id, status, enrolled_at, unenrolled_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .run(randomUUID(), courseId, userId, opts.unenrolledAt ? 'unenrolled' : 'active', at, opts.unenrolledAt ?? null, opts.completedAt ?? null);
}

function progressAt(courseId: string, lessonId: string, userId: string, opened: number, completed: number | null = null) {
  t.db.$client
    .prepare(`INSERT INTO lesson_progress (user_id, lesson_id, course_id, first_opened_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)`)
    .run(userId, lessonId, courseId, opened, completed ?? opened, completed);
}

function credentialAt(courseId: string, userId: string, at: number, index: number, revoked = false) {
  t.db.$client
    .prepare(
      `INSERT INTO credentials (id, user_id, course_id, kind, issued_at, snapshot, status_list, status_index, revoked_at) VALUES (?, ?, ?, 'participation', ?, '{}', 0, ?, ?)`,
    )
    .run(randomUUID(), userId, courseId, at, index, revoked ? at : null);
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_PER_IP_PER_MINUTE: '10000', STATS_MAX_AGE_SECONDS: '0', BASE_URL: 'https://leerpad.example.be' });
  const institutions = createInstitutionService(t.db, t.clock);
  instA = institutions.create({ shortName: 'HOGENT', nameNl: 'Hogeschool Gent', nameEn: 'University College Ghent' });
  instB = institutions.create({ shortName: 'KUL', nameNl: 'KU Leuven', nameEn: 'KU Leuven' });
  institutions.create({ shortName: 'EMPTY', nameNl: 'Leeg', nameEn: 'Empty' });
  // Sessions are made the day before "now", so they are still valid then.
  t.clock.set(J(19));
  lecturerA = await registerUser(t, { name: 'Lecturer A', roles: ['lecturer'], institutionId: instA.id });
  lecturerB = await registerUser(t, { name: 'Lecturer B', roles: ['lecturer'], institutionId: instB.id });
  admin = await registerUser(t, { name: 'Admin', roles: ['admin'] });
  instAdminA = await registerUser(t, { name: 'Inst admin A', roles: ['institution-admin'], institutionId: instA.id });
  instAdminB = await registerUser(t, { name: 'Inst admin B', roles: ['institution-admin'], institutionId: instB.id });
  learnerActor = await registerUser(t, { name: 'Just a learner' });

  t.clock.set(D(1));
  const mk = (key: string, institutionId: string | null, lecturerId: string, listed = true) => {
    t.clock.advance(60_000);
    const c = makeCourse(t, { institutionId, lecturerId, title: key });
    if (!listed) t.db.$client.prepare('UPDATE courses SET listed = 0 WHERE id = ?').run(c.id);
    course[key] = { id: c.id, slug: c.slug };
    return { ...c, lesson: makeLesson(t, { courseId: c.id }) };
  };
  const A1 = mk('A1', instA.id, lecturerA.id);
  const A2 = mk('A2', instA.id, lecturerA.id);
  const B1 = mk('B1', instB.id, lecturerB.id);
  const X1 = mk('X1', null, lecturerB.id);
  const A3 = mk('A3', instA.id, lecturerA.id, false);
  const draft = makeCourse(t, { institutionId: instA.id, lecturerId: lecturerA.id, status: 'draft', title: 'Draft' });

  for (const i of range(0, 49)) {
    const country = i < 30 ? 'BE' : i < 40 ? 'NL' : i < 45 ? 'DE' : null;
    const home = i < 12 ? 'UGent' : i < 14 ? 'ugent ' : null;
    u.push(insertUser(i, { country, home }));
  }
  u.push(instAdminA.id); // u50

  for (const i of range(0, 24)) {
    enrolAt(A1.id, u[i], D(10), { unenrolledAt: i >= 20 ? J(2) : undefined, completedAt: i < 12 ? J(10) : undefined });
    if (i <= 21) progressAt(A1.id, A1.lesson.id, u[i], D(11), i < 12 ? J(10) : null);
    if (i <= 11) credentialAt(A1.id, u[i], J(11), i, i === 11);
  }
  for (const i of range(0, 4)) {
    enrolAt(A2.id, u[i], J(12));
    progressAt(A2.id, A2.lesson.id, u[i], J(12));
  }
  for (const i of range(25, 49)) {
    enrolAt(B1.id, u[i], D(15), { completedAt: i <= 29 ? J(8) : undefined });
    if (i <= 34) progressAt(B1.id, B1.lesson.id, u[i], D(16), i <= 29 ? J(8) : null);
  }
  enrolAt(B1.id, u[50], J(5));
  for (const i of range(0, 11)) enrolAt(X1.id, u[i], J(14));
  for (const i of range(45, 49)) enrolAt(A3.id, u[i], J(15));
  progressAt(A3.id, A3.lesson.id, u[45], J(15));

  // Staff: never counted, whatever they do.
  enrolAt(A1.id, lecturerA.id, D(2), { completedAt: J(1) });
  progressAt(A1.id, A1.lesson.id, lecturerA.id, D(2), J(1));
  enrolAt(B1.id, lecturerB.id, D(2));
  progressAt(B1.id, B1.lesson.id, lecturerB.id, D(3));
  enrolAt(B1.id, admin.id, D(3));
  enrolAt(A2.id, instAdminA.id, D(3));
  enrolAt(draft.id, lecturerA.id, D(3));

  t.clock.set(J(20));
}, 60_000);

const get = (url: string, actor: Actor | null = null, headers: Record<string, string> = {}) => as(t, actor).get(url, undefined, headers);
const ok = async (url: string, actor: Actor | null = null) => {
  const res = await get(url, actor);
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
type Fig = Record<string, number | null> & { suppressed: string[] };
const pick = (f: Fig, keys: string[]) => Object.fromEntries(keys.map((k) => [k, f[k]]));
const ALL = ['enrolments', 'currentlyEnrolled', 'unenrolled', 'uniqueLearners', 'newLearners', 'shows', 'noShows', 'activeLearners', 'completions', 'certificates', 'completionRateOfShows', 'completionRateOfEnrolments'];
const fig = (enrolments: number, currentlyEnrolled: number, unenrolled: number, uniqueLearners: number, newLearners: number, shows: number, noShows: number, activeLearners: number, completions: number, certificates: number) => ({
  enrolments, currentlyEnrolled, unenrolled, uniqueLearners, newLearners, shows, noShows, activeLearners, completions, certificates,
  completionRateOfShows: shows ? Math.round((completions / shows) * 10_000) / 10_000 : null,
  completionRateOfEnrolments: enrolments ? Math.round((completions / enrolments) * 10_000) / 10_000 : null,
});

// Worked out by hand from the scenario above (both months; catalogue courses only).
const EXPECTED = {
  A1: fig(25, 20, 5, 25, 25, 22, 3, 25, 12, 11),
  A2: fig(5, 5, 0, 5, 0, 5, 0, 5, 0, 0),
  B1: fig(26, 26, 0, 26, 26, 10, 16, 26, 5, 0),
  X1: fig(12, 12, 0, 12, 0, 0, 12, 12, 0, 0),
  // u0..u24 in two courses count once
  A: fig(30, 25, 5, 25, 25, 27, 3, 25, 12, 11),
  B: fig(26, 26, 0, 26, 26, 10, 16, 26, 5, 0),
  // u0..u11 of X1 are already learners of A1
  platform: fig(68, 63, 5, 51, 51, 37, 31, 51, 17, 11),
};

describe('exact figures (platform dashboard, nothing suppressed)', () => {
  it('counts every figure as worked out by hand, staff left out', async () => {
    const body = await ok('/api/admin/analytics?from=2025-12&to=2026-01', admin);
    expect(body.period).toEqual({ from: '2025-12', to: '2026-01' });
    // The dashboard also sees the unlisted A3 (u45..u49, first enrolled in B1; u45 opened a lesson).
    const withA3 = { ...EXPECTED.platform, enrolments: 73, currentlyEnrolled: 68, shows: 38, noShows: 35, completionRateOfShows: 0.4474, completionRateOfEnrolments: 0.2329 };
    expect(pick(body.figures, ALL)).toEqual(withA3);
    const courses = Object.fromEntries(body.courses.map((c: { course: { title: string }; figures: Fig }) => [c.course.title, pick(c.figures, ALL)]));
    expect(Object.keys(courses).sort()).toEqual(['A1', 'A2', 'A3', 'B1', 'X1']);
    expect(courses.A1).toEqual(EXPECTED.A1);
    expect(courses.A2).toEqual(EXPECTED.A2);
    expect(courses.B1).toEqual(EXPECTED.B1);
    expect(courses.X1).toEqual(EXPECTED.X1);
    expect(courses.A3).toEqual(fig(5, 5, 0, 5, 0, 1, 4, 5, 0, 0));
    const insts = Object.fromEntries(body.institutions.map((i: { institution: { shortName: string }; figures: Fig }) => [i.institution.shortName, pick(i.figures, ALL)]));
    expect(insts.KUL).toEqual(EXPECTED.B);
    expect(insts.HOGENT).toEqual(fig(35, 30, 5, 30, 25, 28, 7, 30, 12, 11));
  });

  it('a period counts the cohort enrolled in it, and activity inside it', async () => {
    const body = await ok('/api/admin/analytics?from=2026-01&to=2026-01', admin);
    const courses = Object.fromEntries(body.courses.map((c: { course: { title: string }; figures: Fig }) => [c.course.title, c.figures]));
    // A1 enrolled nobody in January, but u0..u11 completed then: active, not a cohort.
    expect(pick(courses.A1, ['enrolments', 'activeLearners', 'completions'])).toEqual({ enrolments: 0, activeLearners: 12, completions: 0 });
    // u50 is the only January learner of B1, and new to the platform then; u25..u29 completed in January.
    expect(pick(courses.B1, ['enrolments', 'newLearners', 'activeLearners', 'completions'])).toEqual({ enrolments: 1, newLearners: 1, activeLearners: 6, completions: 0 });
    // Active in January: u0..u11 (A1, X1), u0..u4 (A2, already counted), u25..u29, u50, u45..u49 (A3).
    // Enrolled in January: A2 u0..u4, B1 u50, X1 u0..u11, A3 u45..u49: 23 enrolments of 18 learners.
    expect(pick(body.figures, ['enrolments', 'uniqueLearners', 'newLearners', 'activeLearners'])).toEqual({ enrolments: 23, uniqueLearners: 18, newLearners: 1, activeLearners: 23 });
  });

  it('has monthly series by events', async () => {
    const body = await ok('/api/admin/analytics?from=2025-12&to=2026-01', admin);
    const series = body.series.map((p: Fig & { month: string }) => pick(p, ['month', 'enrolments', 'newLearners', 'activeLearners', 'completions', 'unenrolments', 'certificates']));
    expect(series).toEqual([
      { month: '2025-12', enrolments: 50, newLearners: 50, activeLearners: 50, completions: 0, unenrolments: 0, certificates: 0 },
      { month: '2026-01', enrolments: 23, newLearners: 1, activeLearners: 23, completions: 17, unenrolments: 5, certificates: 11 },
    ]);
  });

  it('breaks enrolments, shows and completions down by declared country and home institution', async () => {
    const body = await ok('/api/admin/analytics?from=2025-12&to=2026-01', admin);
    // Per learner: BE u0..u29 (A1 25, A2 5, X1 12, B1 5 = 47 enrolments), NL u30..u39 (10), DE u40..u44 (5: "other",
    // fewer than 10 learners declared it), none u45..u49 + u50 (A3 5 + B1 6 = 11).
    const rows = Object.fromEntries(body.byCountry.map((r: { value: string }) => [r.value, r]));
    expect(Object.keys(rows)).toEqual(['BE', 'NL', 'other', 'notDeclared']);
    expect(pick(rows.BE, ['enrolments', 'shows', 'completions'])).toEqual({ enrolments: 47, shows: 32, completions: 17 });
    expect(pick(rows.NL, ['enrolments', 'shows', 'completions'])).toEqual({ enrolments: 10, shows: 5, completions: 0 });
    expect(pick(rows.other, ['enrolments', 'shows', 'completions'])).toEqual({ enrolments: 5, shows: 0, completions: 0 });
    expect(pick(rows.notDeclared, ['enrolments', 'shows', 'completions'])).toEqual({ enrolments: 11, shows: 1, completions: 0 });
    // "UGent" and "ugent " are one home institution: u0..u13 (14 learners: A1 14, A2 5, X1 12).
    const homes = Object.fromEntries(body.byHomeInstitution.map((r: { value: string }) => [r.value, r]));
    expect(Object.keys(homes)).toEqual(['UGent', 'notDeclared']);
    expect(pick(homes.UGent, ['enrolments', 'shows', 'completions'])).toEqual({ enrolments: 31, shows: 19, completions: 12 });
  });
});

describe('open statistics', () => {
  const sumGroups = (body: { platform: { figures: Fig }; institutions: { figures: Fig }[] }, courses: { figures: Fig; institution: { id: string } | null }[]) => {
    // Every additive relation in what is published: never exactly one unknown.
    const groups: (number | null)[][] = [];
    const rows = [body.platform.figures, ...body.institutions.map((i) => i.figures), ...courses.map((c) => c.figures)];
    for (const f of rows) {
      groups.push([f.enrolments, f.currentlyEnrolled, f.unenrolled], [f.enrolments, f.shows, f.noShows]);
    }
    for (const key of ['enrolments', 'currentlyEnrolled', 'unenrolled', 'newLearners', 'shows', 'noShows', 'completions', 'certificates']) {
      for (const inst of body.institutions as unknown as { institution: { id: string }; figures: Fig }[]) {
        groups.push([inst.figures[key], ...courses.filter((c) => c.institution?.id === inst.institution.id).map((c) => c.figures[key])]);
      }
      groups.push([body.platform.figures[key], ...body.institutions.map((i) => i.figures[key]), ...courses.filter((c) => !c.institution).map((c) => c.figures[key])]);
    }
    return groups;
  };

  it('publishes the figures, suppresses cells under 10, and never leaves one suppressed cell to be subtracted', async () => {
    const body = await ok('/api/open/v1/statistics?from=2025-12&to=2026-01');
    expect(body.definitionsVersion).toBe('1.0');
    expect(body.generatedAt).toBe(new Date(J(20)).toISOString());
    expect(body.period).toEqual({ from: '2025-12', to: '2026-01' });
    expect(body.suppression.threshold).toBe(10);
    const p = body.platform.figures as Fig;
    // Published platform figures are the hand-made ones (A3 is not a catalogue course).
    for (const [k, v] of Object.entries(EXPECTED.platform)) if (p[k] !== null) expect(p[k], k).toBe(v);
    // 5 unenrolled (all in A1): suppressed, and then currently enrolled too, or 68 - 63 would give it away.
    expect(p.unenrolled).toBeNull();
    expect(p.currentlyEnrolled).toBeNull();
    expect(p.suppressed).toEqual(expect.arrayContaining(['unenrolled', 'currentlyEnrolled']));
    expect(pick(p, ['enrolments', 'uniqueLearners', 'completions', 'completionRateOfEnrolments'])).toEqual({ enrolments: 68, uniqueLearners: 51, completions: 17, completionRateOfEnrolments: 0.25 });

    const courses = (await ok('/api/open/v1/statistics/courses?from=2025-12&to=2026-01')).courses;
    expect(courses.map((c: { course: { title: string } }) => c.course.title)).toEqual(['A1', 'A2', 'B1', 'X1']);
    const byTitle = Object.fromEntries(courses.map((c: { course: { title: string }; figures: Fig }) => [c.course.title, c.figures]));
    for (const key of ['A1', 'A2', 'B1', 'X1'] as const) {
      for (const [k, v] of Object.entries(EXPECTED[key])) {
        const got = byTitle[key][k];
        if (got === null && v !== null) expect(byTitle[key].suppressed, `${key}.${k}`).toContain(k);
        else expect(got, `${key}.${k}`).toBe(v);
        // Every count from 1 to 9 is suppressed.
        if (typeof v === 'number' && !k.startsWith('completionRate') && v > 0 && v < 10) expect(got, `${key}.${k} = ${v}`).toBeNull();
      }
    }
    // The differencing case: HOGENT's 30 enrolments are A1 + A2. A2's 5 is suppressed; were A1's 25 shown,
    // 30 - 25 would give A2 away. So A1 is suppressed too, while the institution's total stays published.
    const hogent = body.institutions.find((i: { institution: { shortName: string } }) => i.institution.shortName === 'HOGENT');
    expect(hogent.figures.enrolments).toBe(30);
    expect(byTitle.A2.enrolments).toBeNull();
    expect(byTitle.A1.enrolments).toBeNull();
    expect(byTitle.A1.uniqueLearners).toBeNull(); // the same number as A1's enrolments
    // Zero is shown: it describes nobody.
    expect(byTitle.A2.unenrolled).toBe(0);
    expect(byTitle.X1.shows).toBe(0);

    for (const g of sumGroups(body, courses)) {
      const nonZero = g.filter((v) => v !== 0);
      expect(nonZero.filter((v) => v === null).length, JSON.stringify(g)).not.toBe(1);
    }
    // An institution without catalogue courses is not a row.
    expect(body.institutions.map((i: { institution: { shortName: string } }) => i.institution.shortName)).toEqual(['HOGENT', 'KUL']);
  });

  it('suppresses breakdown cells and their complements', async () => {
    const body = await ok('/api/open/v1/statistics?from=2025-12&to=2026-01');
    const rows = body.platform.byCountry as (Fig & { value: string })[];
    const enrolments = Object.fromEntries(rows.map((r) => [r.value, r.enrolments]));
    // Open statistics count catalogue courses only: BE 47, NL 10, other 5, notDeclared 6 (B1's u45..u49 and u50).
    expect(enrolments.BE).toBe(47);
    expect(enrolments.other).toBeNull();
    expect(enrolments.notDeclared).toBeNull();
    expect(enrolments.NL).toBe(10);
    for (const f of ['enrolments', 'shows', 'completions']) {
      const parts = rows.map((r) => r[f]).filter((v) => v !== 0);
      expect(parts.filter((v) => v === null).length, f).not.toBe(1);
    }
  });

  it('gives the monthly series with the same cells as the period figures', async () => {
    const body = await ok('/api/open/v1/statistics/timeseries?granularity=month&from=2025-12&to=2026-01');
    expect(body.granularity).toBe('month');
    expect(body.scope).toEqual({ level: 'platform' });
    expect(body.series.map((p: { month: string }) => p.month)).toEqual(['2025-12', '2026-01']);
    const [dec, jan] = body.series as Fig[];
    expect(pick(dec, ['enrolments', 'activeLearners', 'completions', 'certificates'])).toEqual({ enrolments: 50, activeLearners: 50, completions: 0, certificates: 0 });
    expect(pick(jan, ['enrolments', 'activeLearners', 'completions', 'certificates'])).toEqual({ enrolments: 18, activeLearners: 18, completions: 17, certificates: 11 });
    // One new learner in January (u50): suppressed, and so December's 50, since the period shows 51 in all.
    expect(jan.newLearners).toBeNull();
    expect(dec.newLearners).toBeNull();
    expect(jan.unenrolments).toBeNull();

    const a2 = await ok(`/api/open/v1/statistics/timeseries?course=${course.A2.slug}&from=2025-12&to=2026-01`);
    expect(a2.scope.course).toMatchObject({ id: course.A2.id, slug: course.A2.slug, url: `https://leerpad.example.be/courses/${course.A2.slug}` });
    expect(a2.series[1].enrolments).toBeNull();
    const kul = await ok('/api/open/v1/statistics/timeseries?institution=kul&from=2025-12&to=2026-01');
    expect(kul.scope.institution.shortName).toBe('KUL');
    expect(kul.series[0].activeLearners).toBe(25);
  });

  it('filters courses by institution and takes whole months only', async () => {
    const kul = await ok(`/api/open/v1/statistics/courses?institution=${instB.id}`);
    expect(kul.courses.map((c: { course: { title: string } }) => c.course.title)).toEqual(['B1']);
    expect(kul.courses[0].institution.shortName).toBe('KUL');
    // Without a period: every month with data up to now.
    expect(kul.period).toEqual({ from: '2025-12', to: '2026-01' });
    expectProblem(await get('/api/open/v1/statistics/courses?institution=nope'), 404);
    expectProblem(await get('/api/open/v1/statistics?from=2026-01&to=2025-12'), 400);
    expectProblem(await get('/api/open/v1/statistics?from=2026-1'), 400);
    expectProblem(await get('/api/open/v1/statistics?from=2026-13'), 400);
    expectProblem(await get('/api/open/v1/statistics?from=2026-01-01'), 400);
    expectProblem(await get('/api/open/v1/statistics/timeseries?granularity=day'), 400);
    expectProblem(await get(`/api/open/v1/statistics/timeseries?course=${course.A3.id}`), 404); // unlisted
  });

  it('answers CSV on .csv and on Accept: text/csv, with the suppression marker', async () => {
    const byPath = await get('/api/open/v1/statistics.csv?from=2025-12&to=2026-01');
    expect(byPath.statusCode).toBe(200);
    expect(byPath.headers['content-type']).toBe('text/csv; charset=utf-8');
    const byAccept = await get('/api/open/v1/statistics?from=2025-12&to=2026-01', null, { accept: 'text/csv' });
    expect(byAccept.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(byAccept.body).toBe(byPath.body);
    const lines = byPath.body.trim().split('\r\n').map((l) => l.split(','));
    expect(lines[0]).toEqual(['level', 'institutionId', 'institution', 'dimension', 'category', ...ALL, 'from', 'to', 'definitionsVersion', 'generatedAt']);
    const col = (name: string) => lines[0].indexOf(name);
    const platform = lines[1];
    expect(platform[col('level')]).toBe('platform');
    expect(platform[col('enrolments')]).toBe('68');
    expect(platform[col('unenrolled')]).toBe('suppressed');
    expect(platform[col('definitionsVersion')]).toBe('1.0');
    expect(lines.some((l) => l[col('level')] === 'institution' && l[col('institution')] === 'KUL' && l[col('dimension')] === '')).toBe(true);
    expect(lines.some((l) => l[col('dimension')] === 'country' && l[col('category')] === 'BE' && l[col('enrolments')] === '47')).toBe(true);
    // JSON is still the default, and preferred when it comes first.
    expect((await get('/api/open/v1/statistics', null, { accept: 'application/json, text/csv' })).headers['content-type']).toMatch(/^application\/json/);
    const courses = await get('/api/open/v1/statistics/courses.csv');
    expect(courses.body.split('\r\n')[0]).toMatch(/^level,courseId,courseSlug,course,institution,/);
    const series = await get('/api/open/v1/statistics/timeseries.csv?from=2025-12&to=2026-01');
    expect(series.body.split('\r\n').slice(0, 3)).toEqual([
      'month,enrolments,newLearners,activeLearners,completions,unenrolments,certificates,level,scope,definitionsVersion,generatedAt',
      `2025-12,50,suppressed,50,0,0,0,platform,,1.0,${new Date(J(20)).toISOString()}`,
      `2026-01,18,suppressed,18,17,suppressed,11,platform,,1.0,${new Date(J(20)).toISOString()}`,
    ]);
  });

  it('documents every figure', async () => {
    const defs = await ok('/api/open/v1/statistics/definitions');
    expect(Object.keys(defs.figures).sort()).toEqual([...ALL].sort());
    expect(defs.suppression).toMatchObject({ threshold: 10, csvMarker: 'suppressed' });
    const openapi = (await get('/api/docs/json')).json();
    const schema = openapi.paths['/api/open/v1/statistics'].get.responses['200'].content['application/json'].schema;
    const text = JSON.stringify(schema);
    for (const f of ALL) expect(text, f).toContain(`"${f}"`);
    expect(text).toContain('first enrolment on the platform');
  });
});

describe('who sees analytics', () => {
  it('course analytics: the course\'s lecturers, its institution\'s admins and platform admins only', async () => {
    const url = `/api/courses/${course.A1.id}/analytics`;
    expectProblem(await get(url), 401);
    expectProblem(await get(url, learnerActor), 403);
    expectProblem(await get(url, lecturerB), 403);
    expectProblem(await get(url, instAdminB), 403);
    expectProblem(await get('/api/courses/no-such-course/analytics', lecturerA), 404);
    for (const who of [lecturerA, instAdminA, admin]) expect((await get(url, who)).statusCode).toBe(200);
    // A draft does not exist for someone who is not its staff.
    const draftId = (t.db.$client.prepare("SELECT id FROM courses WHERE title = 'Draft'").get() as { id: string }).id;
    expectProblem(await get(`/api/courses/${draftId}/analytics`, learnerActor), 404);
  });

  it('institution dashboard: its administrators and platform admins only', async () => {
    const url = `/api/institutions/${instA.id}/analytics`;
    expectProblem(await get(url), 401);
    expectProblem(await get(url, lecturerA), 403);
    expectProblem(await get(url, instAdminB), 403);
    expectProblem(await get('/api/institutions/nope/analytics', admin), 404);
    const body = await ok(url, instAdminA);
    expect(body.institution.shortName).toBe('HOGENT');
    expect(body.courses.map((c: { course: { title: string } }) => c.course.title)).toEqual(['A1', 'A2', 'A3']);
    expect(body.figures.enrolments).toBe(35);
    expect((await get(url, admin)).statusCode).toBe(200);
  });

  it('platform dashboard: platform admins only', async () => {
    expectProblem(await get('/api/admin/analytics'), 401);
    expectProblem(await get('/api/admin/analytics', instAdminA), 403);
    expect((await get('/api/admin/analytics', admin)).statusCode).toBe(200);
  });
});

describe('suppression rule (pure)', () => {
  const solve = (values: number[], groups: [number, number[]][]) => {
    const t = new CellTable();
    const ids = values.map((v) => t.cell(v));
    for (const [total, parts] of groups) t.group(ids[total], parts.map((p) => ids[p]));
    return Array.from(t.suppress());
  };

  it('hides 1 to 9, shows 0 and 10', () => {
    expect(solve([0, 1, 9, 10], [])).toEqual([0, 1, 1, 0]);
  });

  it('differencing: a total with one small part hides the next smallest part too', () => {
    // 30 = 25 + 5 -> 5 hidden, and 25 too: the total alone does not give either away.
    expect(solve([30, 25, 5], [[0, [1, 2]]])).toEqual([0, 1, 1]);
    // 40 = 20 + 5 + 15: the smallest other part (15) goes.
    expect(solve([40, 20, 5, 15], [[0, [1, 2, 3]]])).toEqual([0, 0, 1, 1]);
    // A zero part is no protection: 12 = 0 + 3 + 9 already hides two.
    expect(solve([12, 0, 3, 9], [[0, [1, 2, 3]]])).toEqual([0, 0, 1, 1]);
    // Only one non-zero part left to hide: 15 = 12 + 3 + 0 hides 12 (then nothing is left to subtract).
    expect(solve([15, 12, 3, 0], [[0, [1, 2, 3]]])).toEqual([0, 1, 1, 0]);
  });

  it('follows a suppression into every group the cell belongs to', () => {
    // Rows: r1 = a + b, r2 = c + d; columns: a + c = x, b + d = y. Only b is small.
    //   a=20 b=4 c=30 d=50 -> r1=24 r2=80 x=50 y=54
    const v = [20, 4, 30, 50, 24, 80, 50, 54];
    const out = solve(v, [[4, [0, 1]], [5, [2, 3]], [6, [0, 2]], [7, [1, 3]]]);
    expect(out[1]).toBe(1); // b
    expect(out[0]).toBe(1); // a: r1 - b
    expect(out[3]).toBe(1); // d: y - b
    expect(out[2]).toBe(1); // c: x - a (and r2 - d)
    for (const [total, parts] of [[4, [0, 1]], [5, [2, 3]], [6, [0, 2]], [7, [1, 3]]] as [number, number[]][]) {
      expect([total, ...parts].filter((c) => out[c]).length).not.toBe(1);
    }
  });
});
