import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDb } from '../../db/client.ts';
import { videos } from '../../db/schema/index.ts';
import { canTransition, IllegalTransitionError, setProgress, transition, VIDEO_STATUSES } from '../../media/states.ts';
import { fakeClock } from '../helpers/app.ts';
import { makeCourse, makeLesson } from '../helpers/factories.ts';

function setup() {
  const t = { db: openDb(':memory:'), clock: fakeClock() };
  const course = makeCourse(t);
  const lesson = makeLesson(t, { courseId: course.id, kind: 'video' });
  const now = t.clock();
  t.db.insert(videos).values({ id: 'v1', lessonId: lesson.id, status: 'uploaded', createdAt: now, updatedAt: now }).run();
  return t;
}

describe('video state machine', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = VIDEO_STATUSES.flatMap((from) => VIDEO_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`));
    expect(allowed.sort()).toEqual(
      ['uploaded>queued', 'uploaded>failed', 'queued>processing', 'queued>failed', 'processing>processing', 'processing>queued', 'processing>ready', 'processing>failed', 'failed>queued'].sort(),
    );
  });

  it('walks a video to ready and refuses illegal moves', () => {
    const t = setup();
    expect(() => transition(t.db, t.clock(), 'v1', 'ready')).toThrow(IllegalTransitionError);
    transition(t.db, t.clock(), 'v1', 'queued');
    transition(t.db, t.clock(), 'v1', 'processing');
    setProgress(t.db, t.clock(), 'v1', 42.26);
    expect(t.db.select().from(videos).where(eq(videos.id, 'v1')).get()?.progress).toBe(42.3);
    const ready = transition(t.db, t.clock(), 'v1', 'ready', { progress: 100, durationSeconds: 2 });
    expect(ready.status).toBe('ready');
    expect(ready.durationSeconds).toBe(2);
    expect(() => transition(t.db, t.clock(), 'v1', 'queued')).toThrow(/cannot go from ready to queued/);
    expect(() => transition(t.db, t.clock(), 'nope', 'queued')).toThrow(/does not exist/);
  });

  it('writes progress only while processing', () => {
    const t = setup();
    setProgress(t.db, t.clock(), 'v1', 50);
    expect(t.db.select().from(videos).where(eq(videos.id, 'v1')).get()?.progress).toBe(0);
  });
});
