import type HlsClass from 'hls.js';

export type Hls = HlsClass;
export type HlsConstructor = typeof HlsClass;

/**
 * hls.js, fetched only for a video lesson: as soon as the lesson is known to be one (preloadHls), else when a player
 * mounts (it is the largest thing the client loads, so it never travels with the catalogue or home page). The light
 * build: it leaves out alternate audio, in-manifest subtitles, DRM and CMCD, none of which Leerpad uses (captions
 * come as WebVTT <track>s).
 */
export async function loadHls(): Promise<HlsConstructor> {
  const mod = await import('hls.js/dist/hls.light.mjs');
  return mod.default;
}

/**
 * Starts fetching hls.js for a player about to mount (a video lesson being opened), unless the browser will play
 * HLS by itself; the player's own loadHls() then finds it on its way or here.
 */
export function preloadHls() {
  if (!nativeOnly(document.createElement('video'))) loadHls().catch(() => undefined); // the player reports a failure
}

/** Whether to skip hls.js entirely: no Media Source Extensions, but the browser plays HLS itself (iPhone Safari). */
export function nativeOnly(video: HTMLVideoElement): boolean {
  const w = window as unknown as { MediaSource?: unknown; ManagedMediaSource?: unknown; WebKitMediaSource?: unknown };
  const mse = !!(w.MediaSource || w.ManagedMediaSource || w.WebKitMediaSource);
  return !mse && video.canPlayType('application/vnd.apple.mpegurl') !== '';
}
