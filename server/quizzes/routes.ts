import { Type, type TSchema } from '@sinclair/typebox';
import { readSmallFile } from '../multipart.ts';
import { Value } from '@sinclair/typebox/value';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { IdParams, problems, type App } from '../http.ts';
import { currentUser } from '../plugins/auth.ts';
import { badRequest, unsupportedMediaType } from '../errors.ts';
import type { QuizService } from './service.ts';
import {
  AnswersBody,
  AttemptHistorySchema,
  AttemptResultSchema,
  AttemptViewSchema,
  ImportQuery,
  ImportReportSchema,
  LIMITS,
  QUESTION_TYPES,
  QuizEditBody,
  QuizEditSchema,
  QuizSettingsSchema,
  QuizSummarySchema,
  SavedAnswersSchema,
  SubmitBody,
  questionInputSchemaFor,
  type QuestionType,
} from './schema.ts';

const tags = ['quizzes'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SettingsPatch = Type.Partial(QuizSettingsSchema, { additionalProperties: false });

/**
 * The studio body is a union of seven question shapes, and Fastify's Ajv (coerceTypes) would turn a `null` in a
 * union branch into 0 ("min": null becomes 0) and report every branch's complaints for one mistake. So this
 * route validates without coercion: each question against the one shape its `type` names, errors pointing at
 * the real mistake.
 */
function quizBodyErrors(body: unknown): { path: string; message: string }[] {
  if (!isObject(body)) return [{ path: '', message: 'must be an object' }];
  const errors: { path: string; message: string }[] = [];
  const push = (path: string, message: string) => errors.length < 50 && errors.push({ path, message });
  for (const key of Object.keys(body)) if (key !== 'settings' && key !== 'questions') push(`/${key}`, 'is not an allowed field');
  if (body.settings !== undefined) {
    for (const e of Value.Errors(SettingsPatch, body.settings)) push(`/settings${e.path}`, e.message);
  }
  if (!Array.isArray(body.questions)) push('/questions', 'must be an array');
  else if (body.questions.length > LIMITS.questions) push('/questions', `at most ${LIMITS.questions} questions`);
  else {
    body.questions.forEach((q, i) => {
      if (!isObject(q) || !QUESTION_TYPES.includes(q.type as QuestionType)) {
        return push(`/questions/${i}/type`, `must be one of ${QUESTION_TYPES.join(', ')}`);
      }
      for (const e of Value.Errors(questionInputSchemaFor(q.type as QuestionType), q)) push(`/questions/${i}${e.path}`, e.message);
    });
  }
  return errors;
}

/** Validation without type coercion, in the error shape the problem handler reads (Ajv's). */
const strictValidator: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const asAjv = (errors: { path: string; message: string }[]) => ({
    error: errors.map((e) => ({ keyword: 'typebox', instancePath: e.path, schemaPath: '', params: {}, message: e.message })),
  });
  if (httpPart === 'body') {
    return (data) => {
      const errors = quizBodyErrors(data);
      return errors.length ? asAjv(errors) : { value: data };
    };
  }
  const check = TypeCompiler.Compile(schema);
  return (data) => (check.Check(data) ? { value: data } : asAjv([...check.Errors(data)].map((e) => ({ path: e.path, message: e.message }))));
};

/** The GIFT source of an import: a text/plain body, or the `file` part of a multipart form. */
async function giftSource(request: FastifyRequest): Promise<string> {
  if (!request.isMultipart()) {
    if (typeof request.body !== 'string') throw unsupportedMediaType('Send the GIFT file as text/plain or as the multipart field "file".');
    return request.body.replace(/^\uFEFF/, '');
  }
  const bytes = await readSmallFile(request, { field: 'file', maxBytes: LIMITS.giftBytes, what: 'the GIFT file' });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw badRequest('The GIFT file is not UTF-8 text.');
  }
}

export function quizRoutes({ quizzes }: { quizzes: QuizService }) {
  return async function (app: App) {
    // ---- learners (and staff trying their own quiz)
    app.get('/lessons/:id/quiz', {
      config: { access: 'user' },
      schema: { tags, summary: 'A quiz as a learner sees it before starting: settings and attempts used/left', params: IdParams, response: { 200: QuizSummarySchema, ...problems(401, 403, 404) } },
    }, async (request) => quizzes.summary(currentUser(request), request.params.id));

    app.post('/lessons/:id/quiz/attempts', {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Start an attempt (201), or get the open one back (200)',
        params: IdParams,
        response: { '2xx': AttemptViewSchema, ...problems(401, 403, 404, 409) },
      },
    }, async (request, reply) => {
      const { view, created } = quizzes.start(currentUser(request), request.params.id);
      return reply.code(created ? 201 : 200).send(view);
    });

    app.get('/lessons/:id/quiz/attempts', {
      config: { access: 'user' },
      schema: { tags, summary: 'My attempts at this quiz, newest first', params: IdParams, response: { 200: AttemptHistorySchema, ...problems(401, 403, 404) } },
    }, async (request) => quizzes.history(currentUser(request), request.params.id));

    app.get('/attempts/:id', {
      config: { access: 'user' },
      schema: { tags, summary: 'One of my attempts: its questions, saved answers and, once submitted, the result', params: IdParams, response: { 200: AttemptViewSchema, ...problems(401, 403, 404) } },
    }, async (request) => quizzes.getAttempt(currentUser(request), request.params.id));

    app.put('/attempts/:id/answers', {
      config: { access: 'user' },
      schema: { tags, summary: 'Save answers of an open attempt (merged; null clears one)', params: IdParams, body: AnswersBody, response: { 200: SavedAnswersSchema, ...problems(400, 401, 403, 404, 409) } },
    }, async (request) => quizzes.saveAnswers(currentUser(request), request.params.id, request.body.answers));

    app.post('/attempts/:id/submit', {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Submit an attempt (optionally with final answers); submitting again returns the stored result',
        params: IdParams,
        // No body at all is fine too (Fastify validates a missing body as null).
        body: Type.Union([SubmitBody, Type.Null()]),
        response: { 200: AttemptResultSchema, ...problems(400, 401, 403, 404) },
      },
    }, async (request) => quizzes.submit(currentUser(request), request.params.id, request.body?.answers));

    // ---- studio (course staff)
    app.get('/lessons/:id/quiz/edit', {
      config: { access: 'user' },
      schema: { tags, summary: 'The whole quiz with its answer key (course staff)', params: IdParams, response: { 200: QuizEditSchema, ...problems(401, 403, 404) } },
    }, async (request) => quizzes.getEdit(currentUser(request), request.params.id));

    app.put('/lessons/:id/quiz/edit', {
      config: { access: 'user' },
      validatorCompiler: strictValidator as never,
      schema: {
        tags,
        summary: 'Replace settings and all questions in one go (course staff). Omitted settings keep their value.',
        params: IdParams,
        body: QuizEditBody,
        response: { 200: QuizEditSchema, ...problems(400, 401, 403, 404, 422) },
      },
    }, async (request) => quizzes.putEdit(currentUser(request), request.params.id, request.body));

    app.get('/lessons/:id/quiz/export.gift', {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'The quiz as a GIFT file (course staff)',
        params: IdParams,
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'GIFT text' }), ...problems(401, 403, 404) },
      },
    }, async (request, reply) => {
      const { filename, text } = quizzes.exportGift(currentUser(request), request.params.id);
      return reply.type('text/plain; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(text);
    });

    // The import takes a raw text body; the text/plain parser (with its own size cap) exists only in this scope.
    await app.register(async (plain) => {
      const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
      // JSON is not a GIFT file: without its parser here, a JSON body is a 415 like any other wrong type.
      scope.removeContentTypeParser(['text/plain', 'application/json']);
      scope.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: LIMITS.giftBytes }, (_request, body, done) => done(null, body));

      scope.post('/lessons/:id/quiz/import', {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'Import GIFT questions (course staff): text/plain body or multipart field "file"; all or nothing per file',
          consumes: ['text/plain', 'multipart/form-data'],
          params: IdParams,
          // A text/plain body is the file; a multipart request has no parsed body (null) and streams its "file".
          body: Type.Union([Type.String({ maxLength: LIMITS.giftBytes }), Type.Null()], { description: 'GIFT text (UTF-8)' }),
          querystring: ImportQuery,
          response: { 200: ImportReportSchema, ...problems(400, 401, 403, 404, 413, 415, 422) },
        },
      }, async (request) => {
        const user = currentUser(request);
        quizzes.assertStudio(user, request.params.id); // before reading an upload of someone who may not import
        const source = await giftSource(request);
        return quizzes.importGift(user, request.params.id, source, { dryRun: request.query.dryRun ?? false, mode: request.query.mode ?? 'append' });
      });
    });
  };
}
