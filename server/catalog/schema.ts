import { Type } from '@sinclair/typebox';

/**
 * Contracts of the public catalogue routes. The MOOChub body is described here for OpenAPI; its normative schema
 * is MOOChub's own (v3.0.1), which the tests validate every page against.
 */
export const MoochubQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1, description: 'The page that is requested (1 is the first)' }),
    pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Courses per page (an extension; MOOChub clients need not send it)' }),
  },
  { additionalProperties: false },
);

const Iri = Type.String({ format: 'uri' });
const Links = Type.Object({ self: Iri, first: Iri, last: Iri, next: Type.Optional(Iri), prev: Type.Optional(Iri) });
const Org = Type.Object({ type: Type.Literal('Organization'), name: Type.String(), url: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: true });
const Person = Type.Object({ type: Type.Literal('Person'), name: Type.String(), affiliation: Type.Optional(Org) }, { additionalProperties: true });
const License = Type.Object({ identifier: Type.String(), url: Type.Union([Type.String(), Type.Null()]) });

export const MoochubResponse = Type.Object(
  {
    links: Links,
    data: Type.Array(
      Type.Object({
        id: Type.String({ format: 'uuid' }),
        type: Type.Literal('Course'),
        attributes: Type.Object(
          {
            name: Type.String(),
            courseCode: Type.String(),
            description: Type.Union([Type.String({ description: 'sanitised HTML' }), Type.Null()]),
            url: Iri,
            inLanguage: Type.Array(Type.String()),
            publisher: Org,
            creator: Type.Array(Type.Union([Org, Person])),
            instructor: Type.Array(Person),
            license: Type.Array(License),
            courseMode: Type.Array(Type.String()),
            startDate: Type.Array(Type.String({ format: 'date-time' }), { description: 'empty: always open' }),
            endDate: Type.Array(Type.String({ format: 'date-time' }), { description: 'empty: always open' }),
            access: Type.Array(Type.Literal('free')),
            offer: Type.Array(Type.Object({ price: Type.Number(), priceCurrency: Type.String(), paymentFrequency: Type.String(), category: Type.String() })),
            numberOfCredits: Type.Union([Type.Number({ description: 'ECTS' }), Type.Null()]),
            keywords: Type.Array(Type.String()),
            hasPart: Type.Array(Type.Object({ type: Type.String(), identifier: Iri, name: Type.String(), duration: Type.Union([Type.String(), Type.Null()]) })),
            dateCreated: Type.String({ format: 'date-time' }),
            dateModified: Type.String({ format: 'date-time' }),
          },
          { additionalProperties: true, description: 'MOOChub v3 course attributes; see https://github.com/MOOChub/schema' },
        ),
      }),
    ),
  },
  { description: 'A JSON:API page of courses, application/vnd.api+json; moochub-version=3.0' },
);
