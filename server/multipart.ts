import type { FastifyRequest } from 'fastify';
import { AppError, badRequest, unsupportedMediaType } from './errors.ts';

/**
 * Errors of the multipart parser that carry no status (busboy's "Unexpected end of form" on a truncated body,
 * "Boundary not found" on a malformed header) are the client's doing: a cut-off or malformed upload, never a 500.
 * Errors that carry a status (413 past the size limit) keep it.
 */
export function asClientError(err: unknown): unknown {
  if (err instanceof AppError || (err as { statusCode?: number }).statusCode) return err;
  return badRequest('The upload was cut off or is not valid multipart/form-data.');
}

export function requireMultipart(request: FastifyRequest, what = 'the file'): void {
  if (!request.isMultipart()) throw unsupportedMediaType(`Send ${what} as multipart/form-data.`);
}

/** The one small file of a multipart form (a cover image, a GIFT file), in memory: only for files of a few MB. */
export async function readSmallFile(request: FastifyRequest, opts: { field: string; maxBytes: number; what: string }): Promise<Buffer> {
  requireMultipart(request, opts.what);
  try {
    const file = await request.file({ limits: { fileSize: opts.maxBytes, files: 1 } });
    if (!file || file.fieldname !== opts.field) {
      throw badRequest(`Put ${opts.what} in the form field "${opts.field}".`, [{ pointer: `/body/${opts.field}`, message: 'is required' }]);
    }
    return await file.toBuffer(); // 413 past the limit
  } catch (err) {
    throw asClientError(err);
  }
}
