import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Worker } from '../../media/worker.ts';
import { makeClip } from '../helpers/media.ts';
import { enrol, makeCourse, makeLesson, makeModule } from '../helpers/factories.ts';
import {
  describeE2e,
  expectAccessible,
  newPageAs,
  registerViaApi,
  screenshot,
  type Actor,
  type E2eServer,
} from './helpers.ts';
import { closeMediaSuite, startMediaSuite, uploadAndProcess, videoPlayer as player } from './media.ts';

/**
 * Self-paced progress in the browser: a learner in a sequential course marks a text lesson done, watches part of
 * a real (ffmpeg-made, worker-processed) video, reloads and resumes at the saved second, leaves the page while
 * playing (the beacon keeps the position), continues from the dashboard, finishes the video and reads the last
 * lesson to its end; the dashboard then lists the course as completed. The lecturer finds the learner in the
 * learners table. A second learner downloads their data and deletes their account.
 */

const currentTime = (page: Page) => page.evaluate(() => document.querySelector<HTMLVideoElement>('.vp video')!.currentTime);
const courseBar = (page: Page) => page.getByRole('progressbar', { name: 'Voortgang in de cursus' });

const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `Alinea ${i + 1}: een pixel is het kleinste element van een digitaal beeld, met een kleur en een plaats.`).join('\n\n');

describeE2e('self-paced progress in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let worker: Worker;
  let clipDir: string;
  let lecturer: Actor;
  let learner: Actor;
  let course: { id: string; slug: string; title: string };
  let intro: { id: string };
  let video: { id: string };

  const savedPosition = () =>
    (server.db.$client.prepare('SELECT position FROM lesson_progress WHERE user_id = ? AND lesson_id = ?').get(learner.id, video.id) as { position: number } | undefined)?.position ?? 0;

  beforeAll(async () => {
    ({ server, browser, worker, clipDir } = await startMediaSuite('leerpad-e2e-progress-'));
    const clip = makeClip(clipDir, { width: 640, height: 360, seconds: 8, name: 'pixels.mp4' });

    lecturer = await registerViaApi(server, { name: 'Lotte Lector', roles: ['lecturer'] });
    learner = await registerViaApi(server, { name: 'Lars Leerling' });
    const ctx = { db: server.db, clock: Date.now };
    course = makeCourse(ctx, { lecturerId: lecturer.id, title: 'Beeldverwerking in stappen' });
    server.db.$client.prepare('UPDATE courses SET sequential = 1 WHERE id = ?').run(course.id);
    const mod = makeModule(ctx, { courseId: course.id, title: 'Pixels' });
    intro = makeLesson(ctx, { courseId: course.id, moduleId: mod.id, kind: 'text', title: 'Wat is een beeld?', position: 0, body: LONG_TEXT });
    video = makeLesson(ctx, { courseId: course.id, moduleId: mod.id, kind: 'video', title: 'Pixels in beeld', position: 1 });
    makeLesson(ctx, { courseId: course.id, moduleId: mod.id, kind: 'text', title: 'Tot slot', position: 2, body: 'Goed gedaan. Dit is het einde van de cursus.' });
    enrol(ctx, { courseId: course.id, userId: learner.id });

    // The lecturer uploads the clip through the API; the worker makes the HLS renditions.
    await uploadAndProcess(server, lecturer.cookie, video.id, clip);
  }, 120_000);
  afterAll(() => closeMediaSuite({ browser, worker, server, clipDir }));

  it('a learner resumes a video where they left it and completes the course; the dashboard says so', async () => {
    const { page, problems, context } = await newPageAs(browser, server, learner);

    // 1. The first lesson: the outline shows the course at 0 % and the later lessons locked (sequential course).
    await page.goto(`/courses/${course.slug}/lessons/${intro.id}`);
    await courseBar(page).waitFor();
    expect(await courseBar(page).getAttribute('aria-valuenow')).toBe('0');
    const outline = page.getByRole('navigation', { name: 'Cursusoverzicht' });
    await outline.getByText('Opent na: Wat is een beeld?').first().waitFor();
    expect(await outline.getByRole('link', { name: /Pixels in beeld/ }).count()).toBe(0);
    await expectAccessible(page, 'text lesson with outline progress');
    await screenshot(page, 'progress-lesson-text');

    await page.getByRole('button', { name: 'Markeer als voltooid' }).click();
    await page.getByText('De les is gemarkeerd als voltooid.').waitFor();
    await page.locator('.mark-done__done', { hasText: 'Les voltooid' }).waitFor();
    await expect.poll(() => courseBar(page).getAttribute('aria-valuenow')).toBe('33');
    await outline.getByRole('link', { name: 'Wat is een beeld? (voltooid)' }).waitFor();

    // 2. The video lesson, now open: play a few seconds and pause; the pause sends a beat with the position.
    await outline.getByRole('link', { name: /Pixels in beeld/ }).click();
    await player(page).waitFor();
    await expect.poll(() => player(page).getAttribute('data-engine')).toBe('hls.js');
    await player(page).getByRole('button', { name: 'Afspelen' }).click();
    await expect.poll(() => currentTime(page), { timeout: 15_000 }).toBeGreaterThan(3);
    const beat = page.waitForResponse((r) => r.url().endsWith('/api/progress/heartbeat') && r.request().method() === 'POST');
    await player(page).getByRole('button', { name: 'Pauzeren' }).click();
    expect((await beat).status()).toBe(204);
    const pausedAt = await currentTime(page);
    await expect.poll(savedPosition).toBeGreaterThan(3);
    expect(Math.abs(savedPosition() - pausedAt)).toBeLessThan(0.5);

    // 3. Reload: the player starts at the saved second.
    await page.reload();
    await player(page).waitFor();
    await expect.poll(() => currentTime(page), { timeout: 15_000 }).toBeGreaterThan(1);
    expect(Math.abs((await currentTime(page)) - pausedAt)).toBeLessThan(2);
    await screenshot(page, 'progress-video-resumed');

    // 4. Play on and leave the page while playing: the beacon on pagehide keeps the new position.
    await player(page).getByRole('button', { name: 'Afspelen' }).click();
    // The beacon carries the position of the last timeupdate (they come every quarter second or so).
    await expect.poll(() => currentTime(page), { timeout: 15_000 }).toBeGreaterThan(pausedAt + 2);
    const leftAt = await currentTime(page);
    await page.goto('/my-courses');
    await expect.poll(savedPosition, { timeout: 5_000 }).toBeGreaterThan(pausedAt + 1);
    const beaconed = savedPosition();
    expect(Math.abs(beaconed - leftAt)).toBeLessThan(1.5);

    // 5. The dashboard: the course in progress, with "continue" at the right lesson and second.
    await page.reload();
    await page.getByRole('heading', { name: 'Ga verder waar je gebleven was' }).waitFor();
    const cont = page.locator('.dash-resume').getByRole('link', { name: /^Ga verder bij 0:0\d/ });
    expect(await cont.getAttribute('href')).toBe(`/courses/${course.slug}/lessons/${video.id}?t=${Math.floor(beaconed)}`);
    expect(await page.getByRole('progressbar', { name: `Voortgang in ${course.title}` }).getAttribute('aria-valuenow')).toBe('33');
    await expectAccessible(page, 'dashboard, course in progress');
    await screenshot(page, 'progress-dashboard-in-progress');

    // 6. Continue: the video opens at that second; watching to the end completes the lesson.
    await cont.click();
    await player(page).waitFor();
    await expect.poll(() => currentTime(page), { timeout: 15_000 }).toBeGreaterThan(1);
    expect(Math.abs((await currentTime(page)) - Math.floor(beaconed))).toBeLessThan(2);
    await player(page).getByRole('button', { name: 'Afspelen' }).click();
    await page.getByRole('link', { name: 'Pixels in beeld (voltooid)' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => courseBar(page).getAttribute('aria-valuenow')).toBe('66');

    // 7. The last lesson is short: reaching its end marks it done without a click, and the course is complete.
    await page.getByRole('link', { name: /Volgende les/ }).click();
    await page.getByText('Je hebt het einde van de les bereikt: ze is gemarkeerd als voltooid.').waitFor();
    await expect.poll(() => courseBar(page).getAttribute('aria-valuenow')).toBe('100');
    await page.getByText('Je hebt deze cursus voltooid.').waitFor();
    await screenshot(page, 'progress-lesson-course-complete');

    // 8. The dashboard lists it under "Voltooid" with the date.
    await page.goto('/my-courses');
    const done = page.getByRole('region', { name: 'Voltooid' });
    await done.getByRole('heading', { name: course.title }).waitFor();
    await done.getByText(/^Voltooid op \d+ \w+ \d{4}$/).waitFor();
    expect(await page.getByRole('heading', { name: 'Ga verder waar je gebleven was' }).count()).toBe(0);
    await expectAccessible(page, 'dashboard, course completed');
    await screenshot(page, 'progress-dashboard-completed');

    // 320 px: nothing sideways.
    await page.setViewportSize({ width: 320, height: 700 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, 'progress-dashboard-320');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('the lecturer finds the learner in the learners table, with search, detail and CSV', async () => {
    const { page, problems, context } = await newPageAs(browser, server, lecturer);
    await page.goto(`/studio/courses/${course.id}`);
    await page.getByRole('link', { name: 'Cursisten en voortgang' }).click();
    await page.getByRole('heading', { name: `Cursisten van ${course.title}`, level: 1 }).waitFor();
    const table = page.getByRole('table', { name: `Cursisten van ${course.title} met hun voortgang` });
    const row = table.getByRole('row', { name: /Lars Leerling/ });
    await row.waitFor();
    expect(await row.getByRole('progressbar', { name: 'Voortgang van Lars Leerling' }).getAttribute('aria-valuenow')).toBe('100');
    await page.getByText('Cursisten 1 tot 1 van 1').waitFor();
    await expectAccessible(page, 'learners table');
    await screenshot(page, 'progress-learners');

    // Search: no match, then a match.
    await page.getByLabel('Zoek op naam of e-mailadres').fill('niemand');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByText('Geen cursisten gevonden voor "niemand".').waitFor();
    await page.getByLabel('Zoek op naam of e-mailadres').fill('lars');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await row.waitFor();

    // One learner's lessons.
    await row.getByRole('link', { name: /Lars Leerling/ }).click();
    const detail = page.getByRole('region', { name: 'Voortgang van Lars Leerling' });
    await detail.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Voortgang van Lars Leerling');
    await detail.getByRole('row', { name: /Pixels in beeld/ }).getByText(/^0:0\d van 0:08$/).waitFor();
    expect(await detail.getByText(/^Voltooid op /).count()).toBe(3);
    await expectAccessible(page, 'learner detail');
    await screenshot(page, 'progress-learner-detail');

    // The CSV export link carries the search and answers with the learner.
    const href = await page.getByRole('link', { name: 'Exporteer als CSV' }).getAttribute('href');
    expect(href).toBe(`/api/courses/${course.id}/learners.csv?q=lars`);
    const csv = await fetch(`${server.baseUrl}${href}`, { headers: { cookie: lecturer.cookie } });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain(learner.email);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('a learner downloads their data and deletes their account', async () => {
    const leaver = await registerViaApi(server, { name: 'Vera Vertrek' });
    enrol({ db: server.db, clock: Date.now }, { courseId: course.id, userId: leaver.id });
    const { page, problems, context } = await newPageAs(browser, server, leaver);
    await page.goto('/account');
    await page.getByRole('heading', { name: 'Je gegevens', exact: true }).waitFor();

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download mijn gegevens' }).click();
    const file = await (await download).path();
    const data = JSON.parse(readFileSync(file, 'utf8')) as { account: { email: string }; enrolments: { courseId: string }[] };
    expect(data.account.email).toBe(leaver.email);
    expect(data.enrolments.map((e) => e.courseId)).toContain(course.id);

    await page.getByRole('button', { name: 'Verwijder mijn account…' }).click();
    const password = page.getByLabel('Je wachtwoord');
    await expect.poll(() => password.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByText('Dit kan niet ongedaan gemaakt worden.', { exact: false }).waitFor();
    await expectAccessible(page, 'account, delete form open');
    await screenshot(page, 'progress-account-delete');
    await password.fill('not my password');
    await page.getByRole('button', { name: 'Verwijder mijn account definitief' }).click();
    await page.locator('.field-error').waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');

    await password.fill(leaver.password);
    await page.getByRole('button', { name: 'Verwijder mijn account definitief' }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.getByRole('link', { name: 'Inloggen' }).first().waitFor();
    await page.getByRole('status').filter({ hasText: 'Je account is verwijderd.' }).waitFor();
    expect((await fetch(`${server.baseUrl}/api/auth/me`, { headers: { cookie: leaver.cookie } })).status).toBe(401);

    expect(problems).toEqual([]);
    await context.close();
  });
});
