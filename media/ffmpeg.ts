import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * Where ffmpeg/ffprobe come from, and the one function that runs ffmpeg.
 * Order: FFMPEG_PATH/FFPROBE_PATH from config, else the system binaries on PATH (usually newer, with hardware
 * and distro fixes), else the static builds shipped by npm, so a bare `npm install` can transcode.
 */
export interface MediaBinaries {
  ffmpeg: string;
  ffprobe: string;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function npmBinary(pkg: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe'): string | null {
  try {
    // These packages throw on unsupported platforms, so they are only loaded when needed.
    const p = (createRequire(import.meta.url)(pkg) as { path?: string }).path;
    return p && isExecutable(p) ? p : null;
  } catch {
    return null;
  }
}

export function resolveBinaries(opts: { ffmpegPath?: string; ffprobePath?: string } = {}, envPath?: string): MediaBinaries {
  const ffmpeg = opts.ffmpegPath ?? findOnPath('ffmpeg', envPath) ?? npmBinary('@ffmpeg-installer/ffmpeg');
  const ffprobe = opts.ffprobePath ?? findOnPath('ffprobe', envPath) ?? npmBinary('@ffprobe-installer/ffprobe');
  if (!ffmpeg || !ffprobe) {
    throw new Error('ffmpeg/ffprobe not found: set FFMPEG_PATH and FFPROBE_PATH, install ffmpeg, or reinstall the npm packages');
  }
  return { ffmpeg, ffprobe };
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number | null,
    public readonly stderr: string,
    public readonly reason: 'exit' | 'timeout' | 'aborted' | 'spawn',
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

export interface RunOptions {
  /** Arguments after the ones every run gets (see runFfmpeg). */
  args: string[];
  timeoutMs: number;
  /** Seconds of output written so far, from `-progress`. */
  onProgress?: (outTimeSeconds: number) => void;
  signal?: AbortSignal;
  /** Lower CPU priority so transcoding never starves the web server on the same cores. */
  niceness?: number;
  /** Told the pid once the process runs, so a restarted worker can find an orphan after a crash. */
  onSpawn?: (pid: number) => void;
  /** Every stdout line as it arrives (stdout is then not collected): for listings too long to hold in memory. */
  onLine?: (line: string) => void;
}

/** Flags every ffmpeg run gets: never read the terminal, only local files and our pipes, progress on stdout. */
export const COMMON_ARGS = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1', '-protocol_whitelist', 'file,pipe'];

const niceBinary = os.platform() === 'win32' ? null : findOnPath('nice');
const STDERR_KEEP = 8_000;

/**
 * Runs ffmpeg (or ffprobe, with `progress: false` semantics: no -progress) without a shell. Resolves when it
 * exits 0; rejects with FfmpegError on a non-zero exit, the time limit or the abort signal (the process is
 * sent SIGTERM, then SIGKILL 5 s later).
 */
export function runFfmpeg(bin: string, opts: RunOptions): Promise<{ stderr: string }> {
  return runProcess(bin, [...COMMON_ARGS, ...opts.args], opts);
}

/** The raw runner behind runFfmpeg and ffprobe: no shell, niceness, time limit, abort, bounded stderr. */
export function runProcess(bin: string, args: string[], opts: Omit<RunOptions, 'args'>): Promise<{ stdout?: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new FfmpegError('aborted before start', null, '', 'aborted'));
    const niceness = opts.niceness ?? 0;
    // `nice` execs the target, so the pid we get is ffmpeg's and every thread it starts is already niced.
    const [cmd, argv] = niceness > 0 && niceBinary ? [niceBinary, ['-n', String(niceness), bin, ...args]] : [bin, args];
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    if (niceness > 0 && !niceBinary && child.pid) {
      try {
        os.setPriority(child.pid, niceness);
      } catch {
        /* not permitted on this platform: run at normal priority */
      }
    }
    if (child.pid) opts.onSpawn?.(child.pid);

    let stderr = '';
    let stdout = '';
    let pending = '';
    let reason: FfmpegError['reason'] | null = null;
    const collectStdout = !opts.onProgress && !opts.onLine;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_KEEP);
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (collectStdout) {
        stdout += d;
        return;
      }
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        opts.onLine?.(line);
        if (!opts.onProgress) continue;
        const seconds = parseProgressLine(line);
        if (seconds !== null) opts.onProgress(seconds);
      }
    });

    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: FfmpegError['reason']) => {
      if (reason) return;
      reason = why;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      killTimer.unref();
    };
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onAbort = () => stop('aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (err) => {
      finish();
      reject(new FfmpegError(`cannot start ${path.basename(bin)}: ${err.message}`, null, stderr, 'spawn'));
    });
    child.on('close', (code, sig) => {
      finish();
      if (killTimer) clearTimeout(killTimer);
      if (pending && opts.onLine) opts.onLine(pending);
      if (reason === 'timeout') return reject(new FfmpegError(`${path.basename(bin)} ran over its time limit of ${Math.round(opts.timeoutMs / 1000)} s`, code, stderr, 'timeout'));
      if (reason === 'aborted') return reject(new FfmpegError(`${path.basename(bin)} was stopped`, code, stderr, 'aborted'));
      if (code !== 0) {
        const last = stderr.trim().split('\n').slice(-3).join(' | ');
        return reject(new FfmpegError(`${path.basename(bin)} exited with ${code ?? sig}: ${last}`, code, stderr, 'exit'));
      }
      resolve({ stdout: collectStdout ? stdout : undefined, stderr });
    });
  });
}

/**
 * `-progress` writes key=value lines; out_time_us (out_time_ms in old builds, also microseconds despite the
 * name) is how far the output has got. Returns seconds, or null for any other line.
 */
export function parseProgressLine(line: string): number | null {
  const m = /^out_time_(?:us|ms)=(\d+)\s*$/.exec(line);
  if (!m) return null;
  return Number(m[1]) / 1e6;
}
