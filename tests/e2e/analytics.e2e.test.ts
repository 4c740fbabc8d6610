import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { closeSuite, describeE2e, expectAccessible, newPageAs, registerViaApi, screenshot, startSuite, type Actor, type E2eServer } from './helpers.ts';
import { enrol, makeCourse, makeLesson, makeModule } from '../helpers/factories.ts';
import { createInstitutionService } from '../../server/institutions/service.ts';

const DAY = 86_400_000;

describeE2e('analytics in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let lecturer: Actor;
  let instAdmin: Actor;
  let admin: Actor;
  let courseId: string;

  beforeAll(async () => {
    ({ server, browser } = await startSuite());
    const inst = createInstitutionService(server.db, () => Date.now()).create({ shortName: 'HOGENT', nameNl: 'Hogeschool Gent', nameEn: 'University College Ghent' });
    lecturer = await registerViaApi(server, { name: 'Lies Lector', roles: ['lecturer'], institutionId: inst.id });
    instAdmin = await registerViaApi(server, { name: 'Ines Beheer', roles: ['institution-admin'], institutionId: inst.id });
    admin = await registerViaApi(server, { name: 'Ada Admin', roles: ['admin'] });

    // A course with a text lesson, a two-minute video and a quiz, and 14 learners over the last three weeks.
    const now = Date.now();
    const ctx = { db: server.db, clock: () => now - 21 * DAY };
    const course = makeCourse(ctx, { lecturerId: lecturer.id, institutionId: inst.id, title: 'Waterbeheer in Vlaanderen' });
    courseId = course.id;
    const mod = makeModule(ctx, { courseId });
    const text = makeLesson(ctx, { courseId, moduleId: mod.id, title: 'Dijken en polders' });
    const video = makeLesson(ctx, { courseId, moduleId: mod.id, kind: 'video', title: 'De Oosterscheldekering', position: 1 });
    const quiz = makeLesson(ctx, { courseId, moduleId: mod.id, kind: 'quiz', title: 'Test jezelf', position: 2 });
    const run = (sql: string, ...args: unknown[]) => server.db.$client.prepare(sql).run(...args);
    const videoId = randomUUID();
    run(`INSERT INTO videos (id, lesson_id, status, duration_seconds, created_at, updated_at) VALUES (?, ?, 'ready', 120, ?, ?)`, videoId, video.id, now, now);
    run('UPDATE lessons SET video_id = ? WHERE id = ?', videoId, video.id);
    const choices = [{ id: 'a', text: 'Zeeland', correct: true }, { id: 'b', text: 'Limburg', correct: false }, { id: 'c', text: 'Friesland', correct: false }];
    run('INSERT INTO questions (id, lesson_id, position, type, text, points, data, created_at, updated_at) VALUES (?, ?, 0, ?, ?, 1, ?, ?, ?)', 'q1', quiz.id, 'single', 'Waar ligt de Oosterscheldekering?', JSON.stringify({ choices }), now, now);
    run('INSERT INTO questions (id, lesson_id, position, type, text, points, data, created_at, updated_at) VALUES (?, ?, 1, ?, ?, 1, ?, ?, ?)', 'q2', quiz.id, 'trueFalse', 'Een polder ligt onder de zeespiegel.', JSON.stringify({ answer: true }), now, now);
    for (let i = 0; i < 14; i++) {
      const learner = await registerViaApi(server, { name: `Cursist ${i + 1}` });
      const day = (d: number) => now - (20 - Math.min(20, i + d)) * DAY;
      enrol({ db: server.db, clock: () => day(0) }, { courseId, userId: learner.id });
      if (i < 12) run('INSERT INTO lesson_progress (user_id, lesson_id, course_id, first_opened_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)', learner.id, text.id, courseId, day(1), day(1), i < 10 ? day(1) : null);
      if (i < 10) {
        const to = i < 4 ? 120 : 30 + i * 8;
        run(
          'INSERT INTO lesson_progress (user_id, lesson_id, course_id, watched_ranges, watched_seconds, first_opened_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          learner.id, video.id, courseId, JSON.stringify([[0, to]]), to, day(2), day(2), to >= 108 ? day(2) : null,
        );
      }
      if (i < 8) {
        const right = i % 3 !== 0;
        run(
          `INSERT INTO attempts (id, lesson_id, user_id, layout, answers, started_at, submitted_at, score, max_score, percent, passed, results) VALUES (?, ?, ?, '{}', ?, ?, ?, ?, 2, ?, ?, ?)`,
          randomUUID(), quiz.id, learner.id, JSON.stringify({ q1: right ? 'a' : 'b', q2: 'true' }), day(3), day(3), right ? 2 : 1, right ? 100 : 50, right ? 1 : 0,
          JSON.stringify({ questions: { q1: { outcome: right ? 'correct' : 'incorrect' }, q2: { outcome: 'correct' } } }),
        );
        run('INSERT INTO lesson_progress (user_id, lesson_id, course_id, first_opened_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)', learner.id, quiz.id, courseId, day(3), day(3), right ? day(3) : null);
      }
      if (i < 3) run('UPDATE enrolments SET completed_at = ? WHERE user_id = ? AND course_id = ?', day(3), learner.id, courseId);
      if (i < 11) run('UPDATE users SET country = ? WHERE id = ?', i < 9 ? 'BE' : 'NL', learner.id);
    }
  }, 120_000);

  afterAll(() => closeSuite(browser, server));

  it('a lecturer opens the analytics of a course from the studio and sees the charts, in Dutch and in English', async () => {
    const { page, problems, context } = await newPageAs(browser, server, lecturer);
    await page.goto(`/studio/courses/${courseId}`);
    await page.locator('nav.toc').getByRole('link', { name: 'Analyse' }).click();
    await page.waitForURL(`**/studio/courses/${courseId}/analytics`);
    await page.getByRole('heading', { level: 1, name: 'Analyse: Waterbeheer in Vlaanderen' }).waitFor();
    // Key figures: 14 enrolments, 12 started, 3 completed.
    const figures = page.locator('.key-figures');
    await expect.poll(() => figures.innerText()).toContain('14');
    for (const h of ['Inschrijvingen en activiteit', 'Waar cursisten afhaken', 'Kijkgedrag per video', 'Toetsresultaten per vraag']) {
      await page.getByRole('heading', { level: 2, name: h }).waitFor();
    }
    // uPlot has drawn every chart on a canvas: activity, funnel, the video, the quiz.
    await expect.poll(() => page.locator('.chart-canvas canvas').count()).toBe(4);
    expect(await page.getByRole('img', { name: /^Grafiek: Waar cursisten afhaken/ }).count()).toBe(1);
    // Each chart has its table and a CSV download.
    const funnel = page.locator('figure').filter({ hasText: 'Waar cursisten afhaken' });
    await funnel.getByText('Toon als tabel').click();
    const rows = funnel.getByRole('row');
    expect(await rows.count()).toBe(4);
    expect(await rows.nth(1).innerText()).toMatch(/Dijken en polders.*\t12\t10/s);
    const [download] = await Promise.all([page.waitForEvent('download'), funnel.getByRole('link', { name: /^Download CSV/ }).click()]);
    expect(download.suggestedFilename()).toBe('funnel.csv');
    // The quiz table names the wrong answer chosen most.
    await page.getByRole('cell', { name: 'Limburg (3×)' }).waitFor();
    await expectAccessible(page, 'course analytics (nl)');
    await screenshot(page, 'analytics-course-nl');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Analytics: Waterbeheer in Vlaanderen' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Where learners drop off' }).waitFor();
    await expect.poll(() => page.locator('.chart-canvas canvas').count()).toBe(4);
    await page.getByRole('cell', { name: 'Limburg (3×)' }).waitFor();
    await expectAccessible(page, 'course analytics (en)');
    await screenshot(page, 'analytics-course-en');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an institution admin and a platform admin see their dashboards', async () => {
    const { page, problems, context } = await newPageAs(browser, server, instAdmin);
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Statistieken' }).click();
    await page.waitForURL('**/institution/analytics');
    await page.getByRole('heading', { level: 1, name: 'Statistieken van Hogeschool Gent' }).waitFor();
    await expect.poll(() => page.locator('.chart-canvas canvas').count()).toBe(1);
    await page.getByRole('link', { name: 'Waterbeheer in Vlaanderen' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Per land (zoals opgegeven door cursisten)' }).waitFor();
    await expectAccessible(page, 'institution dashboard');
    await screenshot(page, 'analytics-institution');
    await context.close();

    const adminPage = await newPageAs(browser, server, admin);
    await adminPage.page.goto('/admin/analytics');
    await adminPage.page.getByRole('heading', { level: 1, name: 'Statistieken van het platform' }).waitFor();
    await adminPage.page.getByRole('heading', { level: 2, name: 'Per instelling' }).waitFor();
    await expect.poll(() => adminPage.page.locator('.chart-canvas canvas').count()).toBe(1);
    await expectAccessible(adminPage.page, 'platform dashboard');
    await screenshot(adminPage.page, 'analytics-platform');
    expect([...problems, ...adminPage.problems]).toEqual([]);
    await adminPage.context.close();
  });

  it('a learner declares a country and home institution on the account page', async () => {
    const learner = await registerViaApi(server, { name: 'Lena Leerling' });
    const { page, problems, context } = await newPageAs(browser, server, learner);
    await page.goto('/account');
    await page.getByRole('heading', { level: 2, name: 'Voor de open statistieken' }).waitFor();
    await page.getByLabel('Land waar je woont').selectOption('BE');
    await page.getByLabel('Je eigen hogeschool of universiteit').fill('UGent');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('Je gegevens voor de statistieken zijn opgeslagen.').waitFor();
    const row = server.db.$client.prepare('SELECT country, home_institution AS home FROM users WHERE id = ?').get(learner.id);
    expect(row).toEqual({ country: 'BE', home: 'UGent' });
    await expectAccessible(page, 'account with statistics profile');
    expect(problems).toEqual([]);
    await context.close();
  });
});
