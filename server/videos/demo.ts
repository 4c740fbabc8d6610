import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/index.ts';
import { runFfmpeg } from '../../media/ffmpeg.ts';
import { createLessonService } from '../courses/lessons.ts';
import type { DemoContext } from '../demo/seed.ts';
import { createVideoDeps, createVideoService } from './service.ts';

const CAPTIONS = {
  nl: 'WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nWelkom bij Leerpad.\n\n00:00:04.000 --> 00:00:08.000\nDit testbeeld toont hoe video werkt:\n\n00:00:08.000 --> 00:00:12.000\nde kwaliteit past zich aan je verbinding aan.\n',
  en: 'WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nWelcome to Leerpad.\n\n00:00:04.000 --> 00:00:08.000\nThis test picture shows how video works:\n\n00:00:08.000 --> 00:00:12.000\nthe quality adapts to your connection.\n',
};

/**
 * A video lesson for the demo course: ffmpeg makes a 12 s test clip (test pattern and a tone), which goes through
 * the same upload path as a lecturer's file, so the worker transcodes it to HLS after the first start.
 * Without a working ffmpeg the demo simply has no video lesson.
 */
export async function seedDemoVideo(ctx: DemoContext, moduleId: string): Promise<void> {
  const lecturer = ctx.db.select().from(users).where(eq(users.id, ctx.lecturer.id)).get();
  if (!lecturer) return;
  const deps = createVideoDeps({ db: ctx.db, clock: ctx.clock, config: ctx.config });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leerpad-demo-'));
  try {
    const clip = path.join(dir, 'demo.mp4');
    const duration = 12;
    await runFfmpeg(deps.binaries().ffmpeg, {
      timeoutMs: 120_000,
      args: [
        '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${duration}`,
        '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${duration}`,
        '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', clip,
      ],
    });
    const lesson = createLessonService({ db: ctx.db, clock: ctx.clock }).create(lecturer, moduleId, {
      title: 'Video: zo werkt leren op Leerpad / How learning on Leerpad works',
      kind: 'video',
      estimatedMinutes: 2,
      body: 'Bekijk de video; ondertitels zijn er in het Nederlands en het Engels. / Watch the video; captions are available in Dutch and English.',
    });
    const videos = createVideoService(deps);
    const video = await videos.upload(lecturer, lesson.id, { file: createReadStream(clip), filename: 'leerpad-demo.mp4' });
    for (const [language, text] of Object.entries(CAPTIONS)) {
      await videos.addCaption(lecturer, video.id, { language, bytes: Buffer.from(text) });
    }
  } catch (err) {
    ctx.log?.warn({ err }, 'demo video not created (is ffmpeg available?)');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
