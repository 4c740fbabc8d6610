import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { closeSuite, describeE2e, expectAccessible, newPage, newPageAs, registerViaApi, screenshot, startSuite, type E2eServer } from './helpers.ts';
import { enrol, makeCourse, makeLesson, makeModule } from '../helpers/factories.ts';

describeE2e('certificates in the browser', () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = await startSuite());
  });
  afterAll(() => closeSuite(browser, server));

  it('a learner downloads the certificate of a completed course; the QR address verifies it; the lecturer revokes it', async () => {
    const lecturer = await registerViaApi(server, { name: 'Lies Lector', roles: ['lecturer'] });
    const learner = await registerViaApi(server, { name: 'Lena Leerling' });
    const ctx = { db: server.db, clock: () => Date.now() };
    const course = makeCourse(ctx, { lecturerId: lecturer.id, title: 'Waterbeheer in Vlaanderen' });
    const mod = makeModule(ctx, { courseId: course.id });
    const lessons = [makeLesson(ctx, { courseId: course.id, moduleId: mod.id }), makeLesson(ctx, { courseId: course.id, moduleId: mod.id, position: 1 })];
    enrol(ctx, { courseId: course.id, userId: learner.id });
    // The learner completed every lesson and the course (as the progress feature records it).
    const now = Date.now();
    for (const l of lessons) {
      server.db.$client
        .prepare(`INSERT INTO lesson_progress (user_id, lesson_id, course_id, first_opened_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(learner.id, l.id, course.id, now, now, now);
    }
    server.db.$client.prepare('UPDATE enrolments SET completed_at = ? WHERE user_id = ? AND course_id = ?').run(now, learner.id, course.id);
    // The lecturer switches the record of achievement on; learners who already qualify get it at once.
    const put = await fetch(`${server.baseUrl}/api/courses/${course.id}/awards`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: lecturer.cookie },
      body: JSON.stringify({ achievementEnabled: true }),
    });
    expect(put.status).toBe(200);

    // ---- the learner: my certificates ----
    const { page, problems, context } = await newPageAs(browser, server, learner, { acceptDownloads: true });
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Mijn certificaten' }).click();
    await page.waitForURL('**/credentials');
    await page.getByRole('heading', { level: 1, name: 'Mijn certificaten' }).waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Waterbeheer in Vlaanderen' }) });
    await card.getByText('Bewijs van prestatie').waitFor();
    await card.getByText('Geldig', { exact: true }).waitFor();
    await expectAccessible(page, 'my certificates');
    await screenshot(page, 'credentials');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('link', { name: 'Certificaat (PDF) voor Waterbeheer in Vlaanderen' }).click(),
    ]);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString().trim()).toBe('%%EOF');
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);

    // The share link is the address in the QR code on the certificate.
    const verifyUrl = await card.getByLabel('Link naar de controlepagina').inputValue();
    expect(verifyUrl).toMatch(new RegExp(`^${server.baseUrl}/verify/[0-9a-f-]{36}$`));

    // ---- anyone: the verification page ----
    const visitor = await newPage(browser, server);
    await visitor.page.goto(verifyUrl);
    await visitor.page.getByRole('heading', { level: 1, name: 'Certificaat controleren' }).waitFor();
    const verdict = visitor.page.getByRole('status').filter({ hasText: 'Geldig' });
    await verdict.waitFor();
    expect(await verdict.innerText()).toContain('Dit certificaat is echt en geldig.');
    // Not shared: no name, no course.
    await visitor.page.getByText('De houder heeft ervoor gekozen').waitFor();
    expect(await visitor.page.getByText('Lena Leerling').count()).toBe(0);
    await expectAccessible(visitor.page, 'verification (valid, private)');
    await screenshot(visitor.page, 'verify-valid');

    // The learner shares name and course; the page shows them.
    await card.getByRole('checkbox', { name: 'Toon mijn naam en de cursus op de controlepagina' }).check();
    await card.getByText('Je naam en de cursus zijn nu zichtbaar op de controlepagina.').waitFor();
    await visitor.page.reload();
    await visitor.page.getByText('Lena Leerling').waitFor();
    await visitor.page.getByText('Waterbeheer in Vlaanderen').waitFor();

    // An unknown code.
    await visitor.page.goto('/verify/00000000-0000-4000-8000-000000000000');
    await visitor.page.getByText('Onbekend certificaat').waitFor();
    await expectAccessible(visitor.page, 'verification (unknown)');

    // ---- the lecturer: awards and revocation ----
    const studio = await newPageAs(browser, server, lecturer);
    await studio.page.goto(`/studio/courses/${course.id}/credentials`);
    await studio.page.getByRole('heading', { level: 1, name: 'Certificaten: Waterbeheer in Vlaanderen' }).waitFor();
    expect(await studio.page.getByRole('checkbox', { name: 'Een bewijs van prestatie uitreiken' }).isChecked()).toBe(true);
    await studio.page.getByText('Nog nodig voor een microcredential:').waitFor();
    await expectAccessible(studio.page, 'studio certificates');
    await screenshot(studio.page, 'studio-credentials');

    // Asking for a micro-credential before the metadata is complete is refused, with the fields marked.
    await studio.page.getByRole('checkbox', { name: 'Het bewijs van prestatie uitreiken als microcredential' }).check();
    await studio.page.getByRole('button', { name: 'Opslaan' }).click();
    await studio.page.getByText('Verbeter de aangeduide velden.').waitFor();
    expect(await studio.page.getByLabel('Soort beoordeling').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(studio.page, 'studio certificates (refused)');
    await studio.page.getByRole('checkbox', { name: 'Het bewijs van prestatie uitreiken als microcredential' }).uncheck();

    await studio.page.getByRole('button', { name: 'Certificaat van Lena Leerling intrekken' }).click();
    const reason = studio.page.getByLabel('Reden', { exact: true });
    await expect.poll(() => studio.page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('reason');
    await reason.fill('Fraude bij de eindtoets');
    await studio.page.getByRole('button', { name: 'Definitief intrekken' }).click();
    await studio.page.getByText('Het certificaat van Lena Leerling is ingetrokken.').waitFor();
    await studio.page.getByText('Fraude bij de eindtoets').waitFor();

    await visitor.page.goto(verifyUrl);
    await visitor.page.getByRole('status').filter({ hasText: 'Ingetrokken' }).waitFor();
    expect(await visitor.page.getByText('Fraude').count()).toBe(0);
    await expectAccessible(visitor.page, 'verification (revoked)');

    expect(problems).toEqual([]);
    expect(visitor.problems).toEqual([]);
    expect(studio.problems).toEqual([]);
    await visitor.context.close();
    await studio.context.close();
    await context.close();
  });
});
