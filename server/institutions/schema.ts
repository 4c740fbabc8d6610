import { Type, type Static } from '@sinclair/typebox';

const Url = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const InstitutionSchema = Type.Object(
  {
    id: Type.String(),
    shortName: Type.String(),
    nameNl: Type.String(),
    nameEn: Type.String(),
    homepage: Type.Union([Type.String(), Type.Null()]),
    country: Type.String(),
    region: Type.Union([Type.String(), Type.Null()]),
    kboNumber: Type.Union([Type.String(), Type.Null()]),
    logoUrl: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Institution' },
);
export type Institution = Static<typeof InstitutionSchema>;

const fields = {
  shortName: Type.String({ minLength: 1, maxLength: 30, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$' }),
  nameNl: Type.String({ minLength: 1, maxLength: 200 }),
  nameEn: Type.String({ minLength: 1, maxLength: 200 }),
  homepage: Nullable(Url),
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  region: Nullable(Type.String({ maxLength: 100, description: 'e.g. VLG (Flanders), BRU' })),
  kboNumber: Nullable(Type.String({ pattern: '^[01]\\d{3}\\.?\\d{3}\\.?\\d{3}$', description: 'Belgian enterprise number' })),
  logoUrl: Nullable(Type.String({ maxLength: 500, pattern: '^(https?://|/)' })),
};

export const CreateInstitutionBody = Type.Object(
  {
    shortName: fields.shortName,
    nameNl: fields.nameNl,
    nameEn: fields.nameEn,
    homepage: Type.Optional(fields.homepage),
    country: Type.Optional(fields.country),
    region: Type.Optional(fields.region),
    kboNumber: Type.Optional(fields.kboNumber),
    logoUrl: Type.Optional(fields.logoUrl),
  },
  { additionalProperties: false },
);
export const UpdateInstitutionBody = Type.Partial(CreateInstitutionBody, { additionalProperties: false, minProperties: 1 });
