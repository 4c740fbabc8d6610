/**
 * The only caller of fetch. One typed helper per API route, grouped per feature (add a group for a new feature);
 * every non-2xx answer becomes an ApiError carrying the application/problem+json body, so pages switch on `code`.
 */
import type { Static } from '@sinclair/typebox';
import type { User, Role } from '../../server/users/schema.ts';
import type { Institution, CreateInstitutionBody, UpdateInstitutionBody } from '../../server/institutions/schema.ts';
import type { LoginBody, PasswordBody, ProfileBody, RegisterBody, SessionSchema } from '../../server/auth/schema.ts';
import type {
  AttemptResult,
  AttemptSummary,
  AttemptView,
  ImportReport,
  LearnerQuestion,
  QuestionEdit,
  QuestionFeedback,
  QuestionInput,
  QuestionType,
  QuizEdit,
  QuizEditInput,
  QuizSettings,
  QuizSummary,
} from '../../server/quizzes/schema.ts';
import type {
  CatalogueParams,
  CourseCard,
  CourseDetail,
  CreateCourseInput,
  CreateLessonInput,
  EnrolmentView,
  LessonView,
  StructureInput,
  UpdateCourseInput,
  UpdateLessonInput,
} from '../../server/courses/schema.ts';
import type { LessonVideo, VideoInfo } from '../../server/videos/schema.ts';
import type { AwardSettingsBody, AwardSettingsResponse, AwardedCredential, MyCredential, VerifyResponse } from '../../server/credentials/schema.ts';
import type { CompleteResponse, CourseProgress, Dashboard as LearnerDashboard, HeartbeatInput, LearnerDetailResponse, LearnersResponse } from '../../server/progress/schema.ts';
import type { AccountExport } from '../../server/privacy/schema.ts';
import type { CourseAnalytics } from '../../server/stats/analytics.ts';
import type { BreakdownRow, Figures, SeriesPoint } from '../../server/stats/report.ts';

export type { User, Role, Institution };
export type { CourseCard, CourseDetail, LessonView, EnrolmentView };
export type AuthSession = Static<typeof SessionSchema>;

export interface FieldError {
  /** JSON pointer into the request, e.g. "/body/email" */
  pointer: string;
  message: string;
  /** Present where the client words the problem itself (e.g. caption file problems). */
  code?: string;
  params?: Record<string, string | number>;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  constructor(
    public readonly problem: Problem,
    /** Seconds from a Retry-After header, when the server sent one. */
    public readonly retryAfter: number | null = null,
  ) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
  }
  get status() {
    return this.problem.status;
  }
  get code() {
    return this.problem.code;
  }
  get errors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

/** Not a server answer: the network failed. status 0 and its own code so callers can tell. */
const networkProblem = (): Problem => ({ type: 'about:blank', title: 'Network error', status: 0, detail: '', code: 'LEERPAD_NETWORK' });

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, opts: { body?: unknown; query?: Query; signal?: AbortSignal } = {}): Promise<T> {
  if (method !== 'GET') recent.clear(); // see `get`
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  // A FormData body (multipart) sets its own content type with the boundary; a Blob sends its own type.
  const raw = opts.body instanceof FormData || opts.body instanceof Blob;
  if (opts.body !== undefined && !raw) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : raw ? (opts.body as BodyInit) : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(networkProblem());
  }
  const json = (res.headers.get('content-type') ?? '').includes('json');
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after'));
    const problem: Problem = json
      ? await res.json()
      : { type: 'about:blank', title: res.statusText, status: res.status, detail: '', code: res.status >= 500 ? 'LEERPAD_INTERNAL' : 'LEERPAD_BAD_REQUEST' };
    throw new ApiError(problem, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  if (res.status === 204 || !json) return undefined as T;
  return (await res.json()) as T;
}

/**
 * Recent GETs by URL, so that a route can start its page's first requests while the page's code is still loading
 * (`preload`) and the page's identical GETs then get those answers instead of asking again. An answer made by
 * `preload` is handed out once, to a GET made within RECENT_MS; a page's own answers are kept only so that a preload
 * does not repeat what the page has just asked for. A failed answer is dropped, and any change (another method)
 * drops them all: nothing from before it is handed out after it.
 */
const recent = new Map<string, { answer: Promise<unknown>; at: number; preloaded: boolean }>();
const RECENT_MS = 10_000;
let preloading = false;

function get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
  const url = withQuery(path, query);
  const now = Date.now();
  const hit = recent.get(url);
  const fresh = hit && now - hit.at < RECENT_MS ? hit : null;
  if (preloading && fresh) return fresh.answer as Promise<T>;
  if (!preloading && fresh?.preloaded) {
    fresh.preloaded = false;
    return followAbort(fresh.answer as Promise<T>, signal);
  }
  for (const [key, e] of recent) if (now - e.at >= RECENT_MS) recent.delete(key);
  const answer = request<T>('GET', url, { signal: preloading ? undefined : signal });
  const entry = { answer, at: now, preloaded: preloading };
  recent.set(url, entry);
  answer.catch(() => recent.get(url) === entry && recent.delete(url));
  return answer;
}

/** `answer`, rejecting with the AbortError of `signal` once that aborts, as the page's own fetch would. */
function followAbort<T>(answer: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return answer;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/**
 * Makes the GET of `call` (one of the helpers below) now, ahead of the page that will make it: a route starts its
 * page's first requests while the page's code is still loading (routes.ts `preload`), and the page's identical GET
 * then gets this answer instead of asking again. What the page has just asked for itself is not asked again.
 */
export function preload<T>(call: () => Promise<T>): Promise<T> {
  preloading = true;
  try {
    return call();
  } finally {
    preloading = false;
  }
}
const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body });
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
const del = <T = void>(path: string) => request<T>('DELETE', path);
const seg = encodeURIComponent;

export const auth = {
  me: () => get<{ user: User }>('/api/auth/me'),
  register: (body: Static<typeof RegisterBody>) => post<{ user: User }>('/api/auth/register', body),
  login: (body: Static<typeof LoginBody>) => post<{ user: User }>('/api/auth/login', body),
  logout: () => post<void>('/api/auth/logout'),
  updateProfile: (body: Static<typeof ProfileBody>) => patch<{ user: User }>('/api/auth/me', body),
  changePassword: (body: Static<typeof PasswordBody>) => post<void>('/api/auth/password', body),
  sessions: () => get<{ sessions: AuthSession[] }>('/api/auth/sessions'),
  revokeSession: (id: string) => del(`/api/auth/sessions/${seg(id)}`),
  revokeOtherSessions: () => del('/api/auth/sessions'),
};

export const institutions = {
  list: () => get<{ items: Institution[] }>('/api/institutions'),
  get: (id: string) => get<{ institution: Institution }>(`/api/institutions/${seg(id)}`),
  create: (body: Static<typeof CreateInstitutionBody>) => post<{ institution: Institution }>('/api/institutions', body),
  update: (id: string, body: Static<typeof UpdateInstitutionBody>) => patch<{ institution: Institution }>(`/api/institutions/${seg(id)}`, body),
};

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const admin = {
  users: (query: { q?: string; page?: number; pageSize?: number }, signal?: AbortSignal) => get<Paged<User>>('/api/admin/users', query, signal),
  updateUser: (id: string, body: { roles?: Role[]; institutionId?: string | null; disabled?: boolean }) =>
    patch<{ user: User }>(`/api/admin/users/${seg(id)}`, body),
};

// ---- videos -------------------------------------------------------------------------------------------------

export type Video = VideoInfo;
export type VideoStatus = Video['status'];
export type Caption = Video['captions'][number];
export type { LessonVideo };

export interface UploadProgress {
  loaded: number;
  /** 0 when the browser cannot tell. */
  total: number;
}

export interface Upload<T> {
  done: Promise<T>;
  /** Stops sending; `done` then rejects with an AbortError. */
  abort: () => void;
}

/**
 * The one exception to "only fetch": fetch() cannot report how many bytes of a request body were sent, and an
 * upload of a lecture recording needs a real progress bar. Same contract as request(): a non-2xx answer rejects
 * with an ApiError carrying the problem body, a network failure with LEERPAD_NETWORK, a cancel with AbortError.
 */
export function sendWithProgress<T>(method: string, path: string, body: FormData, onProgress: (p: UploadProgress) => void): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open(method, path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    xhr.onerror = () => reject(new ApiError(networkProblem()));
    xhr.onload = () => {
      const json = (xhr.getResponseHeader('content-type') ?? '').includes('json');
      let parsed: unknown;
      try {
        parsed = json && xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        parsed = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed as T);
      const retry = Number(xhr.getResponseHeader('retry-after'));
      const problem: Problem = (parsed as Problem | undefined) ?? {
        type: 'about:blank',
        title: xhr.statusText,
        status: xhr.status,
        detail: '',
        code: xhr.status >= 500 ? 'LEERPAD_INTERNAL' : xhr.status === 413 ? 'LEERPAD_PAYLOAD_TOO_LARGE' : 'LEERPAD_BAD_REQUEST',
      };
      reject(new ApiError(problem, Number.isFinite(retry) && retry > 0 ? retry : null));
    };
    xhr.send(body);
  });
  return { done, abort: () => xhr.abort() };
}

function formOf(fields: Record<string, string | Blob>): FormData {
  const form = new FormData();
  // The server reads the parts in order: plain fields before the file.
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string') form.append(k, v);
  for (const [k, v] of Object.entries(fields)) if (typeof v !== 'string') form.append(k, v);
  return form;
}

export const videos = {
  get: (id: string, signal?: AbortSignal) => get<{ video: Video }>(`/api/videos/${seg(id)}`, undefined, signal),
  /** 202 {video}: the upload is stored and queued for processing. */
  upload: (lessonId: string, file: File, onProgress: (p: UploadProgress) => void) =>
    sendWithProgress<{ video: Video }>('POST', `/api/lessons/${seg(lessonId)}/video`, formOf({ file }), onProgress),
  retry: (id: string) => post<{ video: Video }>(`/api/videos/${seg(id)}/retry`),
  /** 204: the video, its captions and (in the background) its files are gone; its lesson may have no video now. */
  remove: (id: string) => del(`/api/videos/${seg(id)}`),
  addCaption: (id: string, language: string, file: File) =>
    request<{ caption: Caption }>('POST', `/api/videos/${seg(id)}/captions`, { body: formOf({ language, file }) }),
  deleteCaption: (id: string, language: string) => del(`/api/videos/${seg(id)}/captions/${seg(language)}`),
};

// ---- courses (catalogue, landing page, lessons, enrolment, studio) ----
type CourseResponse = { course: CourseDetail };
type Lecturer = CourseDetail['lecturers'][number];
export type CatalogueQuery = Partial<CatalogueParams>;
export interface ModuleInfo {
  id: string;
  courseId: string;
  title: string;
  position: number;
}
export interface StudioCourse {
  course: CourseCard;
  status: CourseDetail['status'];
  lecturerRole: 'owner' | 'co-lecturer' | null;
  updatedAt: string;
}

export const courses = {
  catalogue: (query: CatalogueQuery, signal?: AbortSignal) => get<Paged<CourseCard>>('/api/courses', { ...query }, signal),
  /** By id or slug: the landing page, with the syllabus and the viewer's role (staff also get the markdown). */
  get: (idOrSlug: string, signal?: AbortSignal) => get<CourseResponse>(`/api/courses/${seg(idOrSlug)}`, undefined, signal),
  create: (body: CreateCourseInput) => post<CourseResponse>('/api/courses', body),
  update: (id: string, body: UpdateCourseInput) => patch<CourseResponse>(`/api/courses/${seg(id)}`, body),
  setStatus: (id: string, action: 'publish' | 'unpublish' | 'archive') => post<CourseResponse>(`/api/courses/${seg(id)}/${action}`),
  setStructure: (id: string, body: StructureInput) => request<CourseResponse>('PUT', `/api/courses/${seg(id)}/structure`, { body }),
  addModule: (courseId: string, title: string) => post<{ module: ModuleInfo }>(`/api/courses/${seg(courseId)}/modules`, { title }),
  renameModule: (id: string, title: string) => patch<{ module: ModuleInfo }>(`/api/modules/${seg(id)}`, { title }),
  deleteModule: (id: string) => del(`/api/modules/${seg(id)}`),
  addLesson: (moduleId: string, body: CreateLessonInput) => post<{ lesson: LessonView }>(`/api/modules/${seg(moduleId)}/lessons`, body),
  lesson: (id: string, signal?: AbortSignal) => get<{ lesson: LessonView }>(`/api/lessons/${seg(id)}`, undefined, signal),
  updateLesson: (id: string, body: UpdateLessonInput) => patch<{ lesson: LessonView }>(`/api/lessons/${seg(id)}`, body),
  deleteLesson: (id: string) => del(`/api/lessons/${seg(id)}`),
  enrol: (id: string) => post<{ enrolment: EnrolmentView }>(`/api/courses/${seg(id)}/enrolment`),
  unenrol: (id: string) => del(`/api/courses/${seg(id)}/enrolment`),
  mine: () => get<{ items: { course: CourseCard; enrolment: EnrolmentView }[] }>('/api/me/courses'),
  studio: () => get<{ items: StudioCourse[] }>('/api/studio/courses'),
  addLecturer: (id: string, email: string) => post<{ lecturers: Lecturer[] }>(`/api/courses/${seg(id)}/lecturers`, { email }),
  removeLecturer: (id: string, userId: string) => del(`/api/courses/${seg(id)}/lecturers/${seg(userId)}`),
  uploadCover: (id: string, file: File) => {
    const body = new FormData();
    body.append('file', file);
    return request<{ coverUrl: string }>('PUT', `/api/courses/${seg(id)}/cover`, { body });
  },
  deleteCover: (id: string) => del(`/api/courses/${seg(id)}/cover`),
};

export type {
  AttemptResult,
  AttemptSummary,
  AttemptView,
  ImportReport,
  LearnerQuestion,
  QuestionEdit,
  QuestionFeedback,
  QuestionInput,
  QuestionType,
  QuizEdit,
  QuizEditInput,
  QuizSettings,
  QuizSummary,
};
export interface QuizAnswer {
  questionId: string;
  /** See the server's AnswersBody; null clears a saved answer. */
  value: unknown;
}

export const quizzes = {
  summary: (lessonId: string) => get<QuizSummary>(`/api/lessons/${seg(lessonId)}/quiz`),
  /** Starts an attempt, or returns the open one. */
  start: (lessonId: string) => post<AttemptView>(`/api/lessons/${seg(lessonId)}/quiz/attempts`),
  history: (lessonId: string) => get<{ items: AttemptSummary[] }>(`/api/lessons/${seg(lessonId)}/quiz/attempts`),
  attempt: (attemptId: string) => get<AttemptView>(`/api/attempts/${seg(attemptId)}`),
  saveAnswers: (attemptId: string, answers: QuizAnswer[]) =>
    put<{ id: string; answers: QuizAnswer[] }>(`/api/attempts/${seg(attemptId)}/answers`, { answers }),
  submit: (attemptId: string, answers: QuizAnswer[]) => post<AttemptResult>(`/api/attempts/${seg(attemptId)}/submit`, { answers }),
  edit: (lessonId: string) => get<QuizEdit>(`/api/lessons/${seg(lessonId)}/quiz/edit`),
  saveEdit: (lessonId: string, body: QuizEditInput) => put<QuizEdit>(`/api/lessons/${seg(lessonId)}/quiz/edit`, body),
  /** GIFT import: pasted text goes as text/plain, a file as multipart (the server checks that it is UTF-8). */
  importGift: (lessonId: string, source: string | File, query: { dryRun: boolean; mode: 'append' | 'replace' }) => {
    let body: Blob | FormData;
    if (typeof source === 'string') body = new Blob([source], { type: 'text/plain;charset=utf-8' });
    else {
      body = new FormData();
      body.append('file', source);
    }
    return request<ImportReport>('POST', `/api/lessons/${seg(lessonId)}/quiz/import`, { body, query });
  },
  exportUrl: (lessonId: string) => `/api/lessons/${seg(lessonId)}/quiz/export.gift`,
};

// ---- credentials (certificates, Open Badges, micro-credentials) ----------------------------------------------

export type { MyCredential, AwardedCredential, VerifyResponse as Verification, AwardSettingsResponse as AwardSettings, AwardSettingsBody };

export const credentials = {
  mine: () => get<{ items: MyCredential[] }>('/api/me/credentials'),
  setPublic: (id: string, visible: boolean) => patch<{ credential: MyCredential }>(`/api/me/credentials/${seg(id)}`, { public: visible }),
  verify: (id: string) => get<VerifyResponse>(`/api/verify/${seg(id)}`),
  awards: (courseId: string) => get<AwardSettingsResponse>(`/api/courses/${seg(courseId)}/awards`),
  saveAwards: (courseId: string, body: AwardSettingsBody) => put<AwardSettingsResponse>(`/api/courses/${seg(courseId)}/awards`, body),
  awarded: (courseId: string) => get<{ items: AwardedCredential[] }>(`/api/courses/${seg(courseId)}/credentials`),
  revoke: (id: string, reason: string) => post<{ credential: AwardedCredential }>(`/api/credentials/${seg(id)}/revoke`, { reason }),
};

// ---- progress (heartbeats, completion, dashboard, the lecturer's view of learners) ---------------------------

export type { CourseProgress, Dashboard as LearnerDashboard, DashboardCourse, LearnerSummary, LearnersResponse, LearnerDetailResponse as LearnerDetail } from '../../server/progress/schema.ts';
export type Heartbeat = HeartbeatInput;

export const progress = {
  heartbeat: (body: HeartbeatInput) => post<void>('/api/progress/heartbeat', body),
  /**
   * For a page that is going away: navigator.sendBeacon (which outlives the page) with the JSON as text/plain,
   * the one body type a beacon sends without a preflight; the server reads it as JSON. Falls back to a keepalive
   * fetch. Fire and forget: nobody is left to hear the answer.
   */
  beacon: (body: HeartbeatInput): void => {
    const json = JSON.stringify(body);
    try {
      if (navigator.sendBeacon?.('/api/progress/heartbeat', new Blob([json], { type: 'text/plain;charset=UTF-8' }))) return;
    } catch {
      // some browsers throw instead of returning false; fall through to fetch
    }
    fetch('/api/progress/heartbeat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: json, credentials: 'same-origin', keepalive: true }).catch(() => undefined);
  },
  complete: (lessonId: string) => post<Static<typeof CompleteResponse>>(`/api/lessons/${seg(lessonId)}/complete`),
  course: (courseId: string, signal?: AbortSignal) => get<{ progress: CourseProgress }>(`/api/courses/${seg(courseId)}/progress`, undefined, signal),
  dashboard: (signal?: AbortSignal) => get<LearnerDashboard>('/api/me/dashboard', undefined, signal),
  learners: (courseId: string, query: { q?: string; page?: number; pageSize?: number }, signal?: AbortSignal) =>
    get<LearnersResponse>(`/api/courses/${seg(courseId)}/learners`, query, signal),
  learner: (courseId: string, userId: string, signal?: AbortSignal) =>
    get<LearnerDetailResponse>(`/api/courses/${seg(courseId)}/learners/${seg(userId)}`, undefined, signal),
  learnersCsvUrl: (courseId: string, q?: string) => withQuery(`/api/courses/${seg(courseId)}/learners.csv`, { q }),
};

// ---- privacy (data rights) -----------------------------------------------------------------------------------

export type { AccountExport };

export const privacy = {
  /** A plain link to this downloads the file (the server sends it as an attachment). */
  exportUrl: '/api/me/export',
  deleteAccount: (password: string) => request<void>('DELETE', '/api/me', { body: { password } }),
};

// ---- statistics and analytics (staff dashboards) -------------------------------------------------------------


export type { CourseAnalytics, BreakdownRow, Figures, SeriesPoint };
export interface AnalyticsCourseRef {
  id: string;
  slug: string;
  title: string;
  url: string;
}
export interface Dashboard {
  generatedAt: string;
  period: { from: string; to: string };
  figures: Figures;
  byCountry: BreakdownRow[];
  byHomeInstitution: BreakdownRow[];
  series: SeriesPoint[];
  courses: { course: AnalyticsCourseRef & { status: string }; figures: Figures }[];
}
export type InstitutionDashboard = Dashboard & { institution: { id: string; shortName: string; nameNl: string; nameEn: string } };
export type PlatformDashboard = Dashboard & { institutions: { institution: InstitutionDashboard['institution']; figures: Figures }[] };
export interface PeriodQuery {
  from?: string;
  to?: string;
}

export const analytics = {
  course: (id: string, signal?: AbortSignal) => get<CourseAnalytics & { course: AnalyticsCourseRef }>(`/api/courses/${seg(id)}/analytics`, undefined, signal),
  institution: (id: string, query: PeriodQuery, signal?: AbortSignal) => get<InstitutionDashboard>(`/api/institutions/${seg(id)}/analytics`, { ...query }, signal),
  platform: (query: PeriodQuery, signal?: AbortSignal) => get<PlatformDashboard>('/api/admin/analytics', { ...query }, signal),
};
