import { Type, type Static, type TLiteral, type TSchema } from '@sinclair/typebox';
import { MICRO_FIELDS } from './awards.ts';

/** TypeBox contracts of certificates and micro-credentials (camelCase). */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const StringEnum = <T extends string>(values: readonly T[], options: Record<string, unknown> = {}) =>
  Type.Union(values.map((v) => Type.Literal(v)) as TLiteral<T>[], options);
const IsoDate = Type.String({ format: 'date-time' });
// As in the course contracts: `type: [T, "null"]` rather than anyOf, so coercion cannot turn 0 into null.
const NullableInt = (o: Record<string, unknown>) => Type.Unsafe<number | null>({ type: ['integer', 'null'], ...o });

export const Kind = StringEnum(['participation', 'achievement'] as const);
export const AchievementTypeSchema = StringEnum(['CertificateOfCompletion', 'Course', 'MicroCredential'] as const);

export const MyCredential = Type.Object({
  id: Type.String(),
  courseId: Nullable(Type.String()),
  courseTitle: Type.String(),
  kind: Kind,
  microCredential: Type.Boolean(),
  achievementType: AchievementTypeSchema,
  issuedAt: IsoDate,
  revoked: Type.Boolean(),
  revokedAt: Nullable(IsoDate),
  public: Type.Boolean(),
  institutionName: Nullable(Type.String()),
  pdfUrl: Type.String(),
  jsonUrl: Type.String(),
  jwtUrl: Type.String(),
  elmUrl: Type.String(),
  verifyUrl: Type.String(),
  jwt: Type.String({ description: 'The credential signed as a VC-JWT (EdDSA)' }),
});
export type MyCredential = Static<typeof MyCredential>;
export const MyCredentialsResponse = Type.Object({ items: Type.Array(MyCredential) });

export const PublicBody = Type.Object({ public: Type.Boolean() }, { additionalProperties: false });

export const RevokeBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }) }, { additionalProperties: false });

export const AwardedCredential = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  learnerName: Type.String(),
  kind: Kind,
  microCredential: Type.Boolean(),
  issuedAt: IsoDate,
  revoked: Type.Boolean(),
  revokedAt: Nullable(IsoDate),
  revokedReason: Nullable(Type.String()),
  public: Type.Boolean(),
  scorePercent: Nullable(Type.Number()),
});
export type AwardedCredential = Static<typeof AwardedCredential>;
export const AwardedListResponse = Type.Object({ items: Type.Array(AwardedCredential) });
export const RevokeResponse = Type.Object({ credential: AwardedCredential });

export const VerifyResponse = Type.Object({
  id: Type.String(),
  status: StringEnum(['valid', 'revoked'] as const),
  kind: Kind,
  microCredential: Type.Boolean(),
  achievementType: AchievementTypeSchema,
  issuedAt: IsoDate,
  revokedAt: Nullable(IsoDate),
  issuer: Type.Object({ id: Type.String(), name: Type.String(), nameNl: Type.String(), nameEn: Type.String() }),
  public: Type.Boolean({ description: 'Whether the learner shows their name and the course' }),
  learnerName: Nullable(Type.String()),
  course: Nullable(
    Type.Object({
      title: Type.String(),
      workloadHours: Nullable(Type.Number()),
      ects: Nullable(Type.Number()),
      eqfLevel: Nullable(Type.Integer()),
      learningOutcomes: Type.Array(Type.String()),
    }),
  ),
  statusListCredential: Type.String(),
  jwksUrl: Type.String(),
});
export type VerifyResponse = Static<typeof VerifyResponse>;

/** A JSON-LD document; every member is kept when serialised. */
export const JsonLdDocument = Type.Object(
  { '@context': Type.Array(Type.String()), id: Type.String(), type: Type.Array(Type.String()) },
  { additionalProperties: true },
);

export const StatusListParams = Type.Object({ listId: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });

export const Jwks = Type.Object({
  keys: Type.Array(Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String() })),
});

export const DidDocument = Type.Object(
  {
    '@context': Type.Array(Type.String()),
    id: Type.String(),
    verificationMethod: Type.Array(
      Type.Object({
        id: Type.String(),
        type: Type.String(),
        controller: Type.String(),
        publicKeyJwk: Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String() }),
      }),
    ),
    assertionMethod: Type.Array(Type.String()),
  },
);

// ---- award settings ------------------------------------------------------------------------------------------

const Percent = Type.Integer({ minimum: 1, maximum: 100 });
const Text = (max: number) => Type.String({ maxLength: max });

export const AwardSettingsBody = Type.Object(
  {
    participationEnabled: Type.Optional(Type.Boolean()),
    participationPercent: Type.Optional(Percent),
    achievementEnabled: Type.Optional(Type.Boolean()),
    achievementPercent: Type.Optional(Percent),
    microCredential: Type.Optional(Type.Boolean({ description: 'Issue the record of achievement as a micro-credential' })),
    vksLevel: Type.Optional(NullableInt({ minimum: 1, maximum: 8, description: 'Level in the Flemish qualifications structure' })),
    assessmentType: Type.Optional(Text(1000)),
    qualityAssurance: Type.Optional(Text(1000)),
    stackability: Type.Optional(Text(1000)),
  },
  { additionalProperties: false, description: 'Fields left out keep their current value' },
);
export type AwardSettingsBody = Static<typeof AwardSettingsBody>;

export const MicroFieldSchema = StringEnum(MICRO_FIELDS);
export const AwardSettingsResponse = Type.Object({
  courseId: Type.String(),
  participationEnabled: Type.Boolean(),
  participationPercent: Type.Integer(),
  achievementEnabled: Type.Boolean(),
  achievementPercent: Type.Integer(),
  microCredential: Type.Boolean(),
  vksLevel: Nullable(Type.Integer()),
  assessmentType: Type.String(),
  qualityAssurance: Type.String(),
  stackability: Type.String(),
  participationForm: Type.Object({ nl: Type.String(), en: Type.String() }),
  /** The course's own metadata that a micro-credential states (edited on the course). */
  course: Type.Object({
    title: Type.String(),
    institutionId: Nullable(Type.String()),
    learningOutcomes: Type.Array(Type.String()),
    workloadHours: Nullable(Type.Number()),
    ects: Nullable(Type.Number()),
    eqfLevel: Nullable(Type.Integer()),
    prerequisites: Type.String(),
  }),
  gradedQuizzes: Type.Integer(),
  readiness: Type.Object({
    complete: Type.Boolean(),
    missing: Type.Array(MicroFieldSchema),
    warnings: Type.Array(StringEnum(['ectsOutOfRange', 'noGradedQuizzes', 'vksDiffersFromEqf'] as const)),
  }),
  awarded: Type.Object({ participation: Type.Integer(), achievement: Type.Integer(), revoked: Type.Integer() }),
});
export type AwardSettingsResponse = Static<typeof AwardSettingsResponse>;
