import path from 'node:path';

/**
 * The only reader of process.env. Every variable is documented in .env.example.
 * loadConfig() collects every problem and throws one error listing them all.
 */
export interface Config {
  port: number;
  host: string;
  /** Public address, no trailing slash. Decides cookie security (https => Secure + __Host- prefix) and CSRF origin. */
  baseUrl: string;
  dataDir: string;
  /** Seed demo content on an empty data folder. */
  demo: boolean;
  siteName: string;
  logLevel: string;
  trustProxy: boolean;
  session: { idleTimeoutMs: number; absoluteLifetimeMs: number };
  /** scrypt cost, stored with each hash so it can be raised later without breaking old hashes. */
  scrypt: { N: number; r: number; p: number };
  bodyLimitBytes: number;
  uploadMaxBytes: number;
  workerConcurrency: number;
  /** Whether this process runs the media worker (off when a separate `npm run worker` runs it). */
  runWorker: boolean;
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Hours a signed media URL stays valid. */
  mediaUrlTtlHours: number;
  /** Seconds a statistics snapshot may be old before a request waits for a new one (0: always fresh). */
  statsMaxAgeSeconds: number;
  rateLimit: { loginPerIpPerMinute: number; failuresPerAccount: number; accountWindowMinutes: number };
  /** Answer 503 while the event loop lags more than this (ms); 0 turns the check off. */
  maxEventLoopDelayMs: number;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];

  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return def;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${env[name]}")`);
    return def;
  };
  const str = (name: string, def: string): string => {
    const raw = env[name];
    return raw === undefined || raw === '' ? def : raw;
  };

  const port = int('PORT', 3000, 0, 65535);
  const host = str('HOST', '127.0.0.1');
  let baseUrl = str('BASE_URL', `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    baseUrl = `${u.origin}${u.pathname === '/' ? '' : u.pathname.replace(/\/+$/, '')}`;
  } catch {
    problems.push(`BASE_URL must be an absolute http(s) URL (got "${env.BASE_URL}")`);
  }
  const logLevel = str('LOG_LEVEL', 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }
  const ffmpegPath = env.FFMPEG_PATH || undefined;
  const ffprobePath = env.FFPROBE_PATH || undefined;

  const config: Config = {
    port,
    host,
    baseUrl,
    dataDir: path.resolve(cwd, str('DATA_DIR', 'data')),
    demo: bool('LEERPAD_DEMO', true),
    siteName: str('SITE_NAME', 'Leerpad'),
    logLevel,
    trustProxy: bool('TRUST_PROXY', false),
    session: {
      idleTimeoutMs: int('SESSION_IDLE_HOURS', 24 * 7, 1, 24 * 90) * 3_600_000,
      absoluteLifetimeMs: int('SESSION_MAX_DAYS', 30, 1, 365) * 86_400_000,
    },
    // OWASP Password Storage Cheat Sheet: N=2^15, r=8, p=3 (32 MiB per hash).
    scrypt: { N: 2 ** int('SCRYPT_LOG_N', 15, 10, 20), r: 8, p: 3 },
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    uploadMaxBytes: int('UPLOAD_MAX_BYTES', 4 * 1024 ** 3, 1024, 64 * 1024 ** 3),
    workerConcurrency: int('WORKER_CONCURRENCY', 1, 0, 16),
    runWorker: bool('RUN_WORKER', true),
    ffmpegPath,
    ffprobePath,
    mediaUrlTtlHours: int('MEDIA_URL_TTL_HOURS', 6, 1, 72),
    statsMaxAgeSeconds: int('STATS_MAX_AGE_SECONDS', 300, 0, 86_400),
    maxEventLoopDelayMs: int('MAX_EVENT_LOOP_DELAY_MS', 2000, 0, 60_000),
    rateLimit: {
      loginPerIpPerMinute: int('LOGIN_RATE_PER_IP_PER_MINUTE', 20, 1, 10_000),
      failuresPerAccount: int('LOGIN_FAILURES_PER_ACCOUNT', 5, 1, 1000),
      accountWindowMinutes: int('LOGIN_ACCOUNT_WINDOW_MINUTES', 15, 1, 1440),
    },
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

export function isHttps(config: Pick<Config, 'baseUrl'>): boolean {
  return config.baseUrl.startsWith('https://');
}
