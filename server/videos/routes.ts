import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { Value } from '@sinclair/typebox/value';
import { IdParams, NoContent, problems, type App } from '../http.ts';
import { currentUser } from '../plugins/auth.ts';
import type { Config } from '../config.ts';
import { badRequest, payloadTooLarge } from '../errors.ts';
import { asClientError, requireMultipart } from '../multipart.ts';
import { MAX_CAPTION_BYTES, type VideoService } from './service.ts';
import { CaptionFields, CaptionParams, CaptionResponse, VideoResponse } from './schema.ts';

/** Multipart framing overhead we allow on top of the file itself before refusing on Content-Length alone. */
const MULTIPART_SLACK = 1024 * 1024;

async function videoPart(request: FastifyRequest): Promise<MultipartFile> {
  requireMultipart(request);
  let part: MultipartFile | undefined;
  try {
    part = await request.file();
  } catch (err) {
    throw asClientError(err);
  }
  if (!part || part.fieldname !== 'file') throw badRequest('Put the video in the form field "file".', [{ pointer: '/body/file', message: 'is required' }]);
  return part;
}

export function videoRoutes({ videos, config }: { videos: VideoService; config: Config }) {
  return async function (app: App) {
    app.post('/lessons/:id/video', {
      config: { access: 'user' },
      schema: {
        tags: ['videos'],
        summary: 'Upload the video of a lesson (course staff). multipart/form-data, field "file". Processing continues in the background.',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 202: VideoResponse, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    }, async (request, reply) => {
      const user = currentUser(request);
      const declared = Number(request.headers['content-length']);
      if (declared > config.uploadMaxBytes + MULTIPART_SLACK) throw payloadTooLarge(`The upload is larger than the limit of ${config.uploadMaxBytes} bytes.`);
      videos.assertCanUpload(user, request.params.id);
      const part = await videoPart(request);
      const video = await videos.upload(user, request.params.id, { file: part.file, filename: part.filename });
      return reply.code(202).send({ video });
    });

    app.get('/videos/:id', {
      config: { access: 'user' },
      schema: {
        tags: ['videos'],
        summary: 'A video: status, progress, and signed playback, poster and caption URLs once ready',
        params: IdParams,
        response: { 200: VideoResponse, ...problems(401, 403, 404) },
      },
    }, async (request) => ({ video: videos.get(currentUser(request), request.params.id) }));

    app.delete('/videos/:id', {
      config: { access: 'user' },
      schema: {
        tags: ['videos'],
        summary: 'Remove a video with its captions (course staff). A lesson whose current video it was has no video afterwards; the files are removed in the background and its signed URLs stop working at once',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    }, async (request, reply) => {
      videos.delete(currentUser(request), request.params.id);
      return reply.code(204).send(null);
    });

    app.post('/videos/:id/retry', {
      config: { access: 'user' },
      schema: {
        tags: ['videos'],
        summary: 'Queue a failed video for processing again (course staff)',
        params: IdParams,
        response: { 202: VideoResponse, ...problems(401, 403, 404, 409) },
      },
    }, async (request, reply) => reply.code(202).send({ video: videos.retry(currentUser(request), request.params.id) }));

    app.post('/videos/:id/captions', {
      config: { access: 'user' },
      schema: {
        tags: ['videos'],
        summary: 'Add or replace the captions of one language (course staff). multipart/form-data: "language" (BCP 47), optional "label", and "file" (SRT or WebVTT, at most 1 MiB)',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: CaptionResponse, ...problems(400, 401, 403, 404, 413, 415) },
      },
    }, async (request, reply) => {
      const user = currentUser(request);
      videos.assertCanEdit(user, request.params.id);
      requireMultipart(request);
      const fields: Record<string, string> = {};
      let bytes: Buffer | null = null;
      try {
        for await (const part of request.parts({ limits: { fileSize: MAX_CAPTION_BYTES, files: 1 } })) {
          if (part.type === 'file') {
            const buf = await part.toBuffer();
            if (part.fieldname === 'file') bytes = buf;
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value;
          }
        }
      } catch (err) {
        throw asClientError(err);
      }
      const input = { language: fields.language, ...(fields.label !== undefined ? { label: fields.label } : {}) };
      const errors = [...Value.Errors(CaptionFields, input)].map((e) => ({ pointer: `/body${e.path}`, message: e.message }));
      if (!bytes) errors.push({ pointer: '/body/file', message: 'is required' });
      if (errors.length) throw badRequest(errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
      const caption = await videos.addCaption(user, request.params.id, { ...input, bytes: bytes! });
      return reply.code(201).send({ caption });
    });

    app.delete('/videos/:id/captions/:language', {
      config: { access: 'user' },
      schema: {
        tags: ['videos'],
        summary: 'Remove the captions of one language (course staff)',
        params: CaptionParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    }, async (request, reply) => {
      await videos.deleteCaption(currentUser(request), request.params.id, request.params.language);
      return reply.code(204).send(null);
    });
  };
}
