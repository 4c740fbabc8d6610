import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldError } from '../errors.ts';

/**
 * The root error handler: every 4xx/5xx leaves as RFC 9457 application/problem+json
 * ({type, title, status, detail, code, errors?}). A 5xx never carries the original message, stack or SQL.
 */
const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  503: 'Service unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
}

export function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}) {
  return reply.code(problem.status).headers(headers).type('application/problem+json').send(problem);
}

const typeFor = (code: string) => `/problems/${code.replace(/^LEERPAD_/, '').toLowerCase().replace(/_/g, '-')}`;

function validationErrors(error: FastifyError): FieldError[] {
  const part = error.validationContext ?? 'body';
  return (error.validation ?? []).map((v) => {
    const missing = v.keyword === 'required' ? `/${(v.params as { missingProperty?: string }).missingProperty}` : '';
    const extra =
      v.keyword === 'additionalProperties' ? `/${(v.params as { additionalProperty?: string }).additionalProperty}` : '';
    return {
      pointer: `/${part}${v.instancePath ?? ''}${missing}${extra}`,
      message: v.keyword === 'additionalProperties' ? 'is not an allowed field' : (v.message ?? 'is invalid'),
    };
  });
}

export function problemHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      return sendProblem(
        reply,
        {
          type: typeFor(error.code),
          title: error.title,
          status: error.status,
          detail: error.message,
          code: error.code,
          ...(error.errors ? { errors: error.errors } : {}),
        },
        error.headers,
      );
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const errors = validationErrors(fe);
      return sendProblem(reply, {
        type: typeFor('LEERPAD_VALIDATION'),
        title: 'Invalid request',
        status: 400,
        detail: errors.map((e) => `${e.pointer} ${e.message}`).join('; '),
        code: 'LEERPAD_VALIDATION',
        errors,
      });
    }
    // 503 (under pressure) is a deliberate answer; every other 5xx is a bug whose details stay in the log.
    const status = fe.statusCode && ((fe.statusCode >= 400 && fe.statusCode < 500) || fe.statusCode === 503) ? fe.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(reply, {
        type: typeFor('LEERPAD_INTERNAL'),
        title: 'Internal server error',
        status: 500,
        detail: 'Something went wrong on our side. It has been logged.',
        code: 'LEERPAD_INTERNAL',
      });
    }
    const code =
      status === 413 ? 'LEERPAD_PAYLOAD_TOO_LARGE'
      : status === 415 ? 'LEERPAD_UNSUPPORTED_MEDIA_TYPE'
      : status === 429 ? 'LEERPAD_RATE_LIMITED'
      : status === 404 ? 'LEERPAD_NOT_FOUND'
      : status === 503 ? 'LEERPAD_UNAVAILABLE'
      : 'LEERPAD_BAD_REQUEST';
    const headers: Record<string, string> = {};
    const retry = reply.getHeader('retry-after');
    if (retry !== undefined) headers['retry-after'] = String(retry);
    return sendProblem(
      reply,
      { type: typeFor(code), title: TITLES[status] ?? 'Bad request', status, detail: fe.message, code },
      headers,
    );
  });
}

export function apiNotFound(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(reply, {
    type: typeFor('LEERPAD_NOT_FOUND'),
    title: 'Not found',
    status: 404,
    detail: `No route ${request.method} ${request.url.split('?')[0]}.`,
    code: 'LEERPAD_NOT_FOUND',
  });
}

/**
 * Fastify's `frameworkErrors`: a path that is not valid percent-encoding (400) or has a segment longer than the
 * router allows (414) is refused before any route runs, and would otherwise leave as Fastify's own JSON.
 */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const code: ErrorCode = tooLong ? 'LEERPAD_URI_TOO_LONG' : 'LEERPAD_BAD_REQUEST';
  return sendProblem(reply, {
    type: typeFor(code),
    title: tooLong ? TITLES[414] : TITLES[400],
    status: tooLong ? 414 : 400,
    detail: tooLong ? 'A part of the path is longer than this server accepts.' : 'The path is not a valid URL (broken percent-encoding).',
    code,
  });
}
