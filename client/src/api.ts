/**
 * The only caller of fetch. One typed helper per API route, grouped per feature (add a group for a new feature);
 * every non-2xx answer becomes an ApiError carrying the application/problem+json body, so pages switch on `code`.
 */
import type { Static } from '@sinclair/typebox';
import type { User, Role } from '../../server/users/schema.ts';
import type { Institution, CreateInstitutionBody, UpdateInstitutionBody } from '../../server/institutions/schema.ts';
import type { LoginBody, PasswordBody, ProfileBody, RegisterBody, SessionSchema } from '../../server/auth/schema.ts';

export type { User, Role, Institution };
export type AuthSession = Static<typeof SessionSchema>;

export interface FieldError {
  /** JSON pointer into the request, e.g. "/body/email" */
  pointer: string;
  message: string;
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
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
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

const get = <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal });
const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body });
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
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
