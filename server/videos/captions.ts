/**
 * Caption files in, WebVTT out. Lecturers bring SRT (what most subtitle tools export) or WebVTT; browsers only
 * take WebVTT in a <track>. Pure functions: errors name the line so the lecturer can fix the file.
 */
/** What can be wrong with a caption file; the client words each code in nl and en with `params`. */
export const CAPTION_PROBLEMS = [
  'CAPTION_NOT_TEXT',
  'CAPTION_EXPECTED_TIMING',
  'CAPTION_BAD_TIMESTAMP',
  'CAPTION_ENDS_BEFORE_START',
  'CAPTION_TOO_MANY_CUES',
  'CAPTION_EMPTY',
  'CAPTION_NO_WEBVTT_HEADER',
] as const;
export type CaptionProblem = (typeof CAPTION_PROBLEMS)[number];

export class CaptionError extends Error {
  readonly params: Record<string, string | number>;
  constructor(
    readonly code: CaptionProblem,
    message: string,
    params: Record<string, string | number> = {},
    readonly line?: number,
  ) {
    super(line ? `Line ${line}: ${message}` : message);
    this.name = 'CaptionError';
    this.params = line ? { ...params, line } : params;
  }
}

export const MAX_CAPTION_BYTES = 1024 * 1024;
const MAX_CUES = 20_000;

/** UTF-8 when it is valid UTF-8, else Windows-1252: older SRT files from Windows tools are rarely anything else. */
export function decodeCaptionBytes(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) throw new CaptionError('CAPTION_NOT_TEXT', 'This is not a text file.');
  return text.replace(/\r\n?/g, '\n');
}

const TIME = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})$/;

/** Milliseconds of an SRT or WebVTT timestamp, or null if it is not one. */
export function parseTimestamp(s: string): number | null {
  const m = TIME.exec(s.trim());
  if (!m) return null;
  const [h, min, sec] = [Number(m[1] ?? 0), Number(m[2]), Number(m[3])];
  if (min > 59 || sec > 59) return null;
  const ms = Number(m[4].padEnd(3, '0'));
  return ((h * 60 + min) * 60 + sec) * 1000 + ms;
}

export function formatTimestamp(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

function parseTiming(line: string, lineNo: number): { start: number; end: number; settings: string } {
  const [left, rightRaw] = line.split('-->');
  const text = line.slice(0, 80);
  if (rightRaw === undefined) throw new CaptionError('CAPTION_EXPECTED_TIMING', `expected a timing line "00:00:01,000 --> 00:00:04,000", got "${text}"`, { text }, lineNo);
  const right = rightRaw.trim().split(/\s+/);
  const start = parseTimestamp(left);
  const end = parseTimestamp(right[0] ?? '');
  if (start === null || end === null) throw new CaptionError('CAPTION_BAD_TIMESTAMP', `bad timestamp in "${text}"`, { text }, lineNo);
  if (end < start) throw new CaptionError('CAPTION_ENDS_BEFORE_START', `the cue ends before it starts in "${text}"`, { text }, lineNo);
  return { start, end, settings: right.slice(1).join(' ') };
}

/** Tags that WebVTT does not know (SRT's <font>, ASS overrides such as {\an8}) are dropped; "-->" cannot appear in cue text. */
function cleanCueText(text: string): string {
  return text
    .replace(/<\/?font[^>]*>/gi, '')
    .replace(/\{\\[^}]*\}/g, '')
    .replace(/-->/g, '->');
}

export function srtToVtt(text: string): string {
  const lines = text.split('\n');
  const cues: string[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && lines[i].trim() === '') i++;
    if (i >= lines.length) break;
    // The cue number is optional in practice; the timing line is not.
    if (/^\d+$/.test(lines[i].trim()) && i + 1 < lines.length && lines[i + 1].trim() !== '') i++;
    const { start, end } = parseTiming(lines[i], i + 1);
    i++;
    const body: string[] = [];
    while (i < lines.length && lines[i].trim() !== '') body.push(cleanCueText(lines[i++]));
    if (body.length === 0) continue;
    cues.push(`${formatTimestamp(start)} --> ${formatTimestamp(end)}\n${body.join('\n')}`);
    if (cues.length > MAX_CUES) throw new CaptionError('CAPTION_TOO_MANY_CUES', `more than ${MAX_CUES} cues`, { max: MAX_CUES });
  }
  if (cues.length === 0) throw new CaptionError('CAPTION_EMPTY', 'No subtitles found in the file.');
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** Checks a WebVTT file's header and every timing line; returns it with normalised line ends. */
export function validateVtt(text: string): string {
  const lines = text.split('\n');
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0])) throw new CaptionError('CAPTION_NO_WEBVTT_HEADER', 'a WebVTT file must start with "WEBVTT"', {}, 1);
  let cues = 0;
  lines.forEach((line, idx) => {
    if (!line.includes('-->')) return;
    parseTiming(line, idx + 1);
    cues++;
  });
  if (cues === 0) throw new CaptionError('CAPTION_EMPTY', 'No subtitles found in the file.');
  if (cues > MAX_CUES) throw new CaptionError('CAPTION_TOO_MANY_CUES', `more than ${MAX_CUES} cues`, { max: MAX_CUES });
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Any accepted caption file (SRT or WebVTT, any line ends, UTF-8 or Windows-1252) as WebVTT text. */
export function toWebVtt(bytes: Uint8Array): string {
  const text = decodeCaptionBytes(bytes);
  return text.startsWith('WEBVTT') ? validateVtt(text) : srtToVtt(text);
}
