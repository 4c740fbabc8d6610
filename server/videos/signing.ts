import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Signed media URLs: `/hls/<expiry>.<sig>/<videoId>/<file...>`. The signature sits in the path, not the query,
 * so the relative URIs inside HLS playlists inherit it and any static server or CDN can check it without a
 * session. It covers the expiry and the video id: one signature opens every file of that video and nothing else.
 */
export const SIG_LENGTH = 32;
const HOUR = 3_600_000;

export type Verdict = 'ok' | 'expired' | 'invalid';

export interface MediaSigner {
  /** `/hls/<expiry>.<sig>/<videoId>`, to which the file path is appended. */
  prefix(videoId: string, now: number): string;
  verify(token: string, videoId: string, now: number): Verdict;
}

/**
 * The HMAC key lives in `${dataDir}/secret.key`, made on first use with O_EXCL so two processes starting at
 * once agree on one key. Rotating it (delete the file, restart) invalidates every URL handed out.
 */
export function loadOrCreateSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret.key');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

export function createSigner(secret: Buffer | (() => Buffer), ttlMs: number): MediaSigner {
  let key: Buffer | null = typeof secret === 'function' ? null : secret;
  const getKey = () => (key ??= (secret as () => Buffer)());
  const mac = (expiry: string, videoId: string) =>
    createHmac('sha256', getKey()).update(`${expiry}/${videoId}`).digest('base64url').slice(0, SIG_LENGTH);

  return {
    prefix(videoId, now) {
      // Rounded up to the hour: every page view within the hour gets the same URLs, so browsers and proxies
      // can reuse what they cached. Validity is therefore between ttl and ttl + 1 h.
      const expiry = String(Math.ceil((now + ttlMs) / HOUR) * (HOUR / 1000));
      return `/hls/${expiry}.${mac(expiry, videoId)}/${videoId}`;
    },
    verify(token, videoId, now) {
      const m = /^(\d{1,12})\.([A-Za-z0-9_-]+)$/.exec(token);
      if (!m) return 'invalid';
      const given = Buffer.from(m[2]);
      const expected = Buffer.from(mac(m[1], videoId));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
      return Number(m[1]) * 1000 < now ? 'expired' : 'ok';
    },
  };
}
