import { statSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Worker } from '../../media/worker.ts';
import { makeClip } from '../helpers/media.ts';
import { enrol, makeCourse, makeLesson } from '../helpers/factories.ts';
import {
  describeE2e,
  expectAccessible,
  newPage,
  newPageAs,
  registerViaApi,
  screenshot,
  scriptBytes,
  type Actor,
  type E2eServer,
} from './helpers.ts';
import { closeMediaSuite, currentVideoId, startMediaSuite, videoPlayer as player } from './media.ts';

/**
 * Video lessons in the browser: a lecturer uploads a clip in the studio lesson editor (with upload progress and a
 * cancel), watches it being processed by a real worker (real ffmpeg), adds WebVTT captions; an enrolled learner
 * plays it through hls.js, switches captions, speed and quality with mouse and keyboard. Also measures the
 * script weight of the lesson page and checks that hls.js stays off the home and catalogue pages.
 */
const VTT = `WEBVTT

00:00:00.000 --> 00:00:02.000
Welkom bij deze les.

00:00:02.000 --> 00:00:04.000
Dit is een testbeeld.
`;

const videoState = (page: Page) =>
  page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('.vp video')!;
    return {
      paused: v.paused,
      currentTime: v.currentTime,
      rate: v.playbackRate,
      volume: v.volume,
      muted: v.muted,
      tracks: Array.from(v.textTracks).map((t) => `${t.language}:${t.mode}`),
    };
  });

describeE2e('video lessons in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let worker: Worker;
  let clipDir: string;
  let clip: string;
  let lecturer: Actor;
  let learner: Actor;
  let course: { id: string; slug: string; title: string };
  let lesson: { id: string; title: string };

  beforeAll(async () => {
    ({ server, browser, worker, clipDir } = await startMediaSuite('leerpad-e2e-clip-'));
    // 480p source: the ladder has two rungs (480p, 360p), so there is a quality to choose.
    clip = makeClip(clipDir, { width: 854, height: 480, seconds: 4, name: 'hoorcollege.mp4' });

    lecturer = await registerViaApi(server, { name: 'Lotte Lector', roles: ['lecturer'] });
    learner = await registerViaApi(server, { name: 'Lars Leerling' });
    const ctx = { db: server.db, clock: Date.now };
    course = makeCourse(ctx, { lecturerId: lecturer.id, title: 'Beeldverwerking' });
    lesson = makeLesson(ctx, { courseId: course.id, kind: 'video', title: 'Wat is een pixel?' });
    enrol(ctx, { courseId: course.id, userId: learner.id });
  });
  afterAll(() => closeMediaSuite({ browser, worker, server, clipDir }));

  it('a lecturer uploads a video (with progress and cancel), sees it processed and adds captions', async () => {
    const { page, problems, context } = await newPageAs(browser, server, lecturer);
    await page.goto(`/studio/lessons/${lesson.id}`);
    await page.getByRole('heading', { name: 'Video', exact: true }).waitFor();
    await page.getByText('Deze les heeft nog geen video.').waitFor();
    await expectAccessible(page, 'studio video, empty');

    // Without a file: the field says so and takes focus.
    await page.getByRole('button', { name: 'Video uploaden' }).click();
    await page.getByText('Kies eerst een videobestand.').waitFor();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('file');

    // A slow line, so the bytes-sent progress bar is seen moving; then cancel.
    const cdp = await context.newCDPSession(page);
    const size = statSync(clip).size;
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: Math.ceil(size / 8) });
    await page.getByLabel('Videobestand').setInputFiles(clip);
    await page.getByRole('button', { name: 'Video uploaden' }).click();
    const uploadBar = page.getByRole('progressbar', { name: 'Uploaden' });
    await uploadBar.waitFor();
    await expect.poll(async () => Number(await uploadBar.getAttribute('aria-valuenow')), { timeout: 10_000 }).toBeGreaterThan(0);
    const midway = Number(await uploadBar.getAttribute('aria-valuenow'));
    expect(midway).toBeLessThan(100);
    expect(await uploadBar.getAttribute('aria-valuetext')).toMatch(/kB van .* verstuurd \(\d+%\)/);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Upload annuleren');
    await screenshot(page, 'video-studio-uploading');
    await page.getByRole('button', { name: 'Upload annuleren' }).click();
    await page.getByText('Het uploaden is geannuleerd.').waitFor();
    expect(server.db.$client.prepare('SELECT count(*) AS n FROM videos').get()).toEqual({ n: 0 });

    // The real upload, at full speed.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.getByLabel('Videobestand').setInputFiles(clip);
    await page.getByRole('button', { name: 'Video uploaden' }).click();
    await page.getByText('De video is geüpload en staat in de wachtrij om verwerkt te worden.').waitFor();

    // Processing is polled: the status moves on and the percentage is exposed on a progressbar while it runs.
    const seen = new Set<string>();
    const values = new Set<number>();
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const badge = await page.locator('.video-card .badge').first().innerText().catch(() => '');
      seen.add(badge);
      const bar = page.getByRole('progressbar', { name: 'Verwerking' });
      if (await bar.count()) values.add(Number(await bar.getAttribute('aria-valuenow').catch(() => -1)));
      if (badge === 'Klaar' || badge === 'Mislukt') break;
      await page.waitForTimeout(150);
    }
    expect(seen.has('Klaar'), `states seen: ${[...seen].join(', ')}`).toBe(true);
    expect([...seen].some((s) => s === 'In de wachtrij' || s === 'Wordt verwerkt' || s === 'Geüpload')).toBe(true);
    await page.getByRole('img', { name: 'Voorbeeldbeeld van de video' }).waitFor();
    expect(await page.getByRole('img', { name: 'Voorbeeldbeeld van de video' }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await expect.poll(() => page.locator('[aria-live="polite"]').allInnerTexts()).toContain('De video is klaar en speelt nu voor de cursisten.');
    console.info(`processing progress values seen: ${[...values].sort((a, b) => a - b).join(', ') || '(too fast to see)'}`);

    // Captions: one WebVTT file in Dutch.
    await page.getByLabel('Taal van de ondertitels').selectOption('nl');
    await page.getByLabel('Ondertitelbestand (WebVTT of SRT)').setInputFiles({ name: 'nl.vtt', mimeType: 'text/vtt', buffer: Buffer.from(VTT) });
    await page.getByRole('button', { name: 'Ondertitels toevoegen' }).click();
    await page.getByText('Ondertitels (Nederlands) toegevoegd.').waitFor();
    expect(await page.getByRole('button', { name: 'Ondertitels Nederlands verwijderen' }).count()).toBe(1);
    // A broken file is refused with the server's reason next to the field.
    await page.getByLabel('Taal van de ondertitels').selectOption('en');
    await page.getByLabel('Ondertitelbestand (WebVTT of SRT)').setInputFiles({ name: 'en.srt', mimeType: 'application/x-subrip', buffer: Buffer.from('1\nnot a timing line\nHello\n') });
    await page.getByRole('button', { name: 'Ondertitels toevoegen' }).click();
    await page.getByText('Verbeter de aangeduide velden.').waitFor();
    expect(await page.getByLabel('Ondertitelbestand (WebVTT of SRT)').getAttribute('aria-invalid')).toBe('true');
    // In Dutch, with the line: the server sends a code, not English.
    await page.getByText('Regel 2: hier hoort een tijdsregel zoals "00:00:01,000 --> 00:00:04,000", maar er staat "not a timing line".').waitFor();
    await expectAccessible(page, 'studio video, ready with captions');
    await screenshot(page, 'video-studio-ready');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('an enrolled learner plays the video through hls.js, with captions, speed, quality and keyboard', async () => {
    const { page, problems, context } = await newPageAs(browser, server, learner);
    const segments: string[] = [];
    page.on('response', (res) => {
      if (/\/hls\/[^/]+\/[^/]+\/.+\.ts$/.test(new URL(res.url()).pathname) && res.status() < 300) segments.push(res.url());
    });

    const weight = await scriptBytes(page, async () => {
      await page.goto(`/courses/${course.slug}/lessons/${lesson.id}`);
      await player(page).waitFor();
      await expect.poll(() => player(page).getAttribute('data-engine')).toBe('hls.js');
    });
    const hlsChunks = Object.keys(weight.files).filter((f) => /hls/i.test(f));
    console.info(`lesson page scripts: ${(weight.gzip / 1024).toFixed(1)} KB gzip`, weight.files);
    expect(hlsChunks.length).toBe(1);
    expect(weight.gzip).toBeLessThanOrEqual(160 * 1024);

    const supported = await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="avc1.64001e,mp4a.40.2"'));
    expect(supported, 'this Chromium plays H.264').toBe(true);

    // Play: the `playing` event fires and hls.js has fetched segments.
    const playing = page.evaluate(
      () => new Promise<boolean>((resolve) => document.querySelector('.vp video')!.addEventListener('playing', () => resolve(true), { once: true })),
    );
    await player(page).getByRole('button', { name: 'Afspelen' }).click();
    expect(await playing).toBe(true);
    await expect.poll(() => segments.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await player(page).getByRole('button', { name: 'Pauzeren' }).waitFor();

    // Captions on with the CC button, off with the C key.
    const cc = player(page).getByRole('button', { name: 'Ondertitels', exact: true });
    await cc.click();
    expect(await cc.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => (await videoState(page)).tracks).toEqual(['nl:showing']);
    await page.keyboard.press('c');
    expect(await cc.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(async () => (await videoState(page)).tracks).toEqual(['nl:disabled']);
    await page.keyboard.press('c');
    await expect.poll(async () => (await videoState(page)).tracks).toEqual(['nl:showing']);

    // Settings: speed 1.5x and a fixed quality.
    await player(page).getByRole('button', { name: 'Instellingen' }).click();
    await player(page).getByLabel('Snelheid').selectOption('1.5');
    expect((await videoState(page)).rate).toBe(1.5);
    const quality = player(page).getByLabel('Kwaliteit');
    const options = await quality.locator('option').allInnerTexts();
    expect(options.length).toBeGreaterThanOrEqual(3); // auto + 480p + 360p
    expect(options).toContain('360p');
    await quality.selectOption({ label: '360p' });
    await expect.poll(() => player(page).getAttribute('data-level')).toBe(await quality.inputValue());
    await expectAccessible(page, 'lesson player, settings open');
    await screenshot(page, 'video-lesson-playing');

    // Keyboard: k pauses, arrows seek and change the volume, m mutes; focus is inside the player.
    await player(page).getByRole('button', { name: 'Pauzeren' }).focus();
    await page.keyboard.press('k');
    await expect.poll(async () => (await videoState(page)).paused).toBe(true);
    const before = (await videoState(page)).currentTime;
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await videoState(page)).currentTime).toBeLessThan(Math.max(before - 0.5, 0.01));
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await videoState(page)).volume).toBeCloseTo(0.9, 2);
    await page.keyboard.press('m');
    expect((await videoState(page)).muted).toBe(true);
    await page.keyboard.press('m');

    // Volume and speed are remembered in this browser.
    await page.reload();
    await player(page).waitFor();
    await expect.poll(async () => (await videoState(page)).rate).toBe(1.5);
    expect((await videoState(page)).volume).toBeCloseTo(0.9, 2);
    expect((await videoState(page)).tracks).toEqual(['nl:showing']);

    // 320 px wide: everything still reachable, nothing sideways.
    await page.setViewportSize({ width: 320, height: 700 });
    await player(page).getByRole('button', { name: 'Afspelen' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'lesson player at 320 px');
    await screenshot(page, 'video-lesson-320');

    // In English the controls speak English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('region', { name: /^Video player/ }).getByRole('button', { name: 'Play' }).waitFor();
    expect(await page.getByRole('region', { name: /^Video player/ }).getByRole('button', { name: 'Captions' }).getAttribute('aria-pressed')).toBe('true');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('a replacement upload leaves the current video playing until the new one is ready', async () => {
    const { page, problems, context } = await newPageAs(browser, server, lecturer);
    const playingNow = () => currentVideoId(server, lesson.id);
    const before = playingNow();
    await page.goto(`/studio/lessons/${lesson.id}`);
    await page.getByRole('heading', { name: 'Huidige video' }).waitFor();
    await page.getByText('De huidige video blijft voor cursisten spelen tot de nieuwe klaar is.').waitFor();

    const shorter = makeClip(clipDir, { width: 640, height: 360, seconds: 2, name: 'kort.mp4' });
    await page.getByLabel('Videobestand').setInputFiles(shorter);
    await page.getByRole('button', { name: 'Nieuwe video uploaden' }).click();
    await page.getByRole('heading', { name: /^Nieuwe video(?! uploaden)/ }).waitFor();
    expect(playingNow()).toBe(before);
    await screenshot(page, 'video-studio-replacing');
    // Ready: the new video becomes the current one, the old one's card goes.
    await page.getByText('De video is klaar en speelt nu voor de cursisten.').waitFor({ timeout: 90_000 });
    await expect.poll(() => page.getByRole('heading', { name: /^Nieuwe video(?! uploaden)/ }).count()).toBe(0);
    expect(playingNow()).not.toBe(before);
    expect(await page.locator('.video-card dd').first().innerText()).toBe('0:02');
    await expectAccessible(page, 'studio after a replacement');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('hls.js is not loaded on the home and catalogue pages', async () => {
    const { page, problems, context } = await newPage(browser, server);
    for (const url of ['/', '/courses']) {
      const { files, gzip } = await scriptBytes(page, async () => {
        await page.goto(url);
        await page.locator('h1').first().waitFor();
        await page.waitForLoadState('networkidle');
      });
      console.info(`${url} scripts: ${(gzip / 1024).toFixed(1)} KB gzip`);
      expect(Object.keys(files).filter((f) => /hls|player|video/i.test(f)), url).toEqual([]);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
