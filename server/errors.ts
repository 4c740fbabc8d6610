/**
 * One catalogue of typed errors. Services throw these; the root error handler (server/plugins/problem.ts)
 * turns them into RFC 9457 application/problem+json. The client switches on `code`.
 */
export type ErrorCode =
  | 'LEERPAD_BAD_REQUEST'
  | 'LEERPAD_VALIDATION'
  | 'LEERPAD_UNAUTHENTICATED'
  | 'LEERPAD_FORBIDDEN'
  | 'LEERPAD_CSRF'
  | 'LEERPAD_NOT_FOUND'
  | 'LEERPAD_CONFLICT'
  | 'LEERPAD_NO_ATTEMPTS_LEFT'
  | 'LEERPAD_EMAIL_TAKEN'
  | 'LEERPAD_SLUG_TAKEN'
  | 'LEERPAD_INVALID_CREDENTIALS'
  | 'LEERPAD_ACCOUNT_DISABLED'
  | 'LEERPAD_WEAK_PASSWORD'
  | 'LEERPAD_RATE_LIMITED'
  | 'LEERPAD_PAYLOAD_TOO_LARGE'
  | 'LEERPAD_URI_TOO_LONG'
  | 'LEERPAD_UNSUPPORTED_MEDIA_TYPE'
  | 'LEERPAD_NOT_ACCEPTABLE'
  | 'LEERPAD_UNPROCESSABLE'
  | 'LEERPAD_UNAVAILABLE'
  | 'LEERPAD_INTERNAL';

export interface FieldError {
  /** JSON pointer into the request part, e.g. "/body/email" */
  pointer: string;
  /** English, for API clients and logs. */
  message: string;
  /** Where the client words the problem itself (nl/en): a stable code and what goes into its sentence. */
  code?: string;
  params?: Record<string, string | number>;
}

export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: ErrorCode,
    public readonly title: string,
    detail?: string,
    public readonly errors?: FieldError[],
    public readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
    this.name = 'AppError';
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError(400, 'LEERPAD_BAD_REQUEST', 'Bad request', detail, errors);
export const unauthenticated = (detail = 'You need to log in.') =>
  new AppError(401, 'LEERPAD_UNAUTHENTICATED', 'Unauthenticated', detail);
export const forbidden = (detail = 'You may not do this.') =>
  new AppError(403, 'LEERPAD_FORBIDDEN', 'Forbidden', detail);
export const notFound = (what = 'resource') => new AppError(404, 'LEERPAD_NOT_FOUND', 'Not found', `No such ${what}.`);
export const conflict = (detail: string, code: ErrorCode = 'LEERPAD_CONFLICT') =>
  new AppError(409, code, 'Conflict', detail);
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new AppError(422, 'LEERPAD_UNPROCESSABLE', 'Unprocessable content', detail, errors);
export const payloadTooLarge = (detail: string) =>
  new AppError(413, 'LEERPAD_PAYLOAD_TOO_LARGE', 'Payload too large', detail);
export const unsupportedMediaType = (detail: string) =>
  new AppError(415, 'LEERPAD_UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', detail);
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError(429, 'LEERPAD_RATE_LIMITED', 'Too many requests', `Too many attempts; try again in ${retryAfterSeconds} s.`, undefined, {
    'retry-after': String(retryAfterSeconds),
  });
