import { Type, type Static } from '@sinclair/typebox';

export const ROLES = ['lecturer', 'institution-admin', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const Email = Type.String({ format: 'email', maxLength: 254, description: 'E-mail address; compared case-insensitively.' });
export const Password = Type.String({ minLength: 1, maxLength: 1024, description: '8 to 256 characters; common passwords are refused.' });
export const PersonName = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });

/** The user as the API shows it. Serialised through this schema, so a password hash can never leave. */
export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    roles: Type.Array(RoleSchema),
    institutionId: Type.Union([Type.String(), Type.Null()]),
    disabled: Type.Boolean(),
    locale: Type.Union([Type.String(), Type.Null()]),
    country: Type.Union([Type.String(), Type.Null()]),
    homeInstitution: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);
export type User = Static<typeof UserSchema>;

export function toUser(row: {
  id: string;
  email: string;
  name: string;
  roles: string[];
  institutionId: string | null;
  disabled: boolean;
  locale: string | null;
  country: string | null;
  homeInstitution: string | null;
  createdAt: number;
}): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    institutionId: row.institutionId,
    disabled: row.disabled,
    locale: row.locale,
    country: row.country,
    homeInstitution: row.homeInstitution,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
