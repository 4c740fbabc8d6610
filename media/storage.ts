import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

/**
 * Where media files live, behind a small interface so S3-compatible storage can come in as a second
 * implementation. Keys are relative slash-separated paths such as `videos/<id>/<version>/720p/seg_00001.ts`.
 * Layout: `originals/<videoId>/source` (never served), `videos/<videoId>/<version>/...` (HLS, poster),
 * `videos/<videoId>/captions/<lang>.<stamp>.vtt`.
 */
export interface StoredObject {
  size: number;
  mtimeMs: number;
}

export interface ByteRange {
  start: number;
  /** inclusive */
  end: number;
}

export interface MediaStorage {
  /** Stores a stream, or moves a local file in (the file is gone afterwards). */
  put(key: string, source: Readable | { file: string }): Promise<StoredObject>;
  /** Publishes a finished local folder under a key prefix in one step, replacing nothing that exists. */
  putDir(localDir: string, prefix: string): Promise<void>;
  getStream(key: string, range?: ByteRange): Readable;
  stat(key: string): Promise<StoredObject | null>;
  /** A URL a client may fetch directly (e.g. presigned S3), or null when the app serves the key itself. */
  url(key: string): string | null;
  /** A local path ffmpeg can read, or null if the object must be fetched first. */
  localPath(key: string): string | null;
  /** Removes the key and everything under it as a prefix. */
  delete(prefix: string): Promise<void>;
  move(from: string, to: string): Promise<void>;
  exists(prefix: string): Promise<boolean>;
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Rejects anything that could leave the storage root: empty parts, dot-dot, absolute paths, odd characters. */
export function assertKey(key: string): string[] {
  const parts = key.split('/');
  if (!key || parts.length > 8 || parts.some((p) => !SAFE_SEGMENT.test(p) || p === '..' || p === '.')) {
    throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
  }
  return parts;
}

export function isValidKey(key: string): boolean {
  try {
    assertKey(key);
    return true;
  } catch {
    return false;
  }
}

export class LocalStorage implements MediaStorage {
  /** `${dataDir}/media`; tmp/ and staging/ under it share the filesystem, so moves are renames. */
  constructor(public readonly root: string) {}

  private abs(key: string): string {
    return path.join(this.root, ...assertKey(key));
  }

  get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }

  get stagingDir(): string {
    return path.join(this.root, 'staging');
  }

  async put(key: string, source: Readable | { file: string }): Promise<StoredObject> {
    const target = this.abs(key);
    await mkdir(path.dirname(target), { recursive: true });
    if ('file' in source && typeof source.file === 'string') {
      await moveFile(source.file, target);
    } else {
      const partial = `${target}.partial`;
      try {
        await pipeline(source as Readable, createWriteStream(partial, { flags: 'w', mode: 0o640 }));
        await rename(partial, target);
      } catch (err) {
        await rm(partial, { force: true });
        throw err;
      }
    }
    const s = await stat(target);
    return { size: s.size, mtimeMs: s.mtimeMs };
  }

  async putDir(localDir: string, prefix: string): Promise<void> {
    const target = this.abs(prefix);
    await mkdir(path.dirname(target), { recursive: true });
    // rename(2) of a directory is atomic, and fails if a non-empty target exists: a published folder is never
    // half-replaced.
    await rename(localDir, target);
  }

  getStream(key: string, range?: ByteRange): Readable {
    return createReadStream(this.abs(key), range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const s = await stat(this.abs(key));
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
    } catch {
      return null;
    }
  }

  url(_key: string): string | null {
    return null;
  }

  localPath(key: string): string {
    return this.abs(key);
  }

  async delete(prefix: string): Promise<void> {
    await rm(this.abs(prefix), { recursive: true, force: true });
    await this.pruneEmptyParents(prefix);
  }

  async move(from: string, to: string): Promise<void> {
    const target = this.abs(to);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(this.abs(from), target);
  }

  async exists(prefix: string): Promise<boolean> {
    try {
      await stat(this.abs(prefix));
      return true;
    } catch {
      return false;
    }
  }

  private async pruneEmptyParents(prefix: string) {
    const parts = assertKey(prefix);
    for (let i = parts.length - 1; i >= 1; i--) {
      const dir = path.join(this.root, ...parts.slice(0, i));
      try {
        if ((await readdir(dir)).length > 0) return;
        await rmdir(dir);
      } catch {
        return;
      }
    }
  }
}

/** rename when possible; copy then unlink across filesystems. */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyFile(from, to);
    await unlink(from);
  }
}

export function createLocalStorage(dataDir: string): LocalStorage {
  return new LocalStorage(path.join(dataDir, 'media'));
}
