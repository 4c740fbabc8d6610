import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';

/** The Fastify instance as route modules see it: TypeBox-typed. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** RFC 9457 problem body, referenced by every route's error responses in OpenAPI. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable error code, e.g. LEERPAD_NOT_FOUND' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          pointer: Type.String(),
          message: Type.String({ description: 'In English' }),
          code: Type.Optional(Type.String({ description: 'Stable code of this problem, for clients that word it themselves' })),
          params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
        }),
      ),
    ),
  },
  { $id: 'Problem', description: 'application/problem+json' },
);

/** Standard error responses for a route's schema, so OpenAPI lists them. */
export function problems(...codes: number[]): Record<number, TSchema> {
  return Object.fromEntries(codes.map((c) => [c, Type.Ref('Problem')]));
}

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export const NoContent = Type.Null({ description: 'No content' });
