import { Type } from '@sinclair/typebox';
import { Email, Password, PersonName } from '../users/schema.ts';

export const RegisterBody = Type.Object({ email: Email, password: Password, name: PersonName }, { additionalProperties: false });
export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export const PasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export const ProfileBody = Type.Object(
  {
    name: Type.Optional(PersonName),
    locale: Type.Optional(Type.Union([Type.Literal('nl'), Type.Literal('en'), Type.Null()])),
    country: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }), Type.Null()])),
    homeInstitution: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const UserEnvelope = Type.Object({ user: Type.Ref('User') });
export const SessionSchema = Type.Object({
  id: Type.String(),
  current: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  lastActiveAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
});
export const SessionsEnvelope = Type.Object({ sessions: Type.Array(SessionSchema) });
