import { randomBytes } from 'node:crypto';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { courses } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import type { UserRow } from '../auth/session.ts';
import { editableCourse } from './access.ts';
import { unsupportedMediaType } from '../errors.ts';
import { coverUrl } from './views.ts';

export const COVER_MAX_BYTES = 2 * 1024 * 1024;
export const COVER_FILE = /^[0-9a-f-]{36}-[0-9a-f]{16}\.(png|jpg|webp)$/;
export const COVER_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };

/** The image type from its first bytes; the file name and the declared content type are the uploader's word only. */
export function sniffImage(buf: Buffer): 'png' | 'jpg' | 'webp' | null {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpg';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

/**
 * Cover images live in <dataDir>/covers under a fresh random name per upload (so they can be cached forever)
 * and are served at /media/covers/<name>. Written to a temp name and renamed, so a half-written file is never
 * served; the old file is removed only after the database points at the new one.
 */
export function createCoverService({ db, clock, dataDir }: { db: Db; clock: Clock; dataDir: string }) {
  const dir = path.join(dataDir, 'covers');
  const remove = async (key: string | null) => {
    if (key && COVER_FILE.test(key)) await unlink(path.join(dir, key)).catch(() => undefined);
  };
  return {
    dir,
    /** Call before reading the upload, so nobody streams 2 MB at a course they may not change. */
    check: (actor: UserRow, courseId: string) => editableCourse(db, actor, courseId),

    async save(actor: UserRow, courseId: string, data: Buffer): Promise<string> {
      const ext = sniffImage(data);
      if (!ext) throw unsupportedMediaType('A cover must be a PNG, JPEG or WebP image.');
      const before = editableCourse(db, actor, courseId).coverImageKey;
      const key = `${courseId}-${randomBytes(8).toString('hex')}.${ext}`;
      await mkdir(dir, { recursive: true });
      const tmp = path.join(dir, `.${key}.tmp`);
      await writeFile(tmp, data);
      await rename(tmp, path.join(dir, key));
      db.update(courses).set({ coverImageKey: key, updatedAt: clock() }).where(eq(courses.id, courseId)).run();
      await remove(before);
      return coverUrl(key)!;
    },

    async delete(actor: UserRow, courseId: string): Promise<void> {
      const before = editableCourse(db, actor, courseId).coverImageKey;
      db.update(courses).set({ coverImageKey: null, updatedAt: clock() }).where(eq(courses.id, courseId)).run();
      await remove(before);
    },
  };
}
export type CoverService = ReturnType<typeof createCoverService>;
