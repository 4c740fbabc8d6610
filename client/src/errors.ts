import { ApiError } from './api.ts';
import { t } from './i18n/common.ts';

export interface DescribedError {
  /** Message per form field name, from the problem's `errors[].pointer` ("/body/email" -> "email"). */
  fields: Record<string, string>;
  /** One sentence for the live region at the top of the form. */
  message: string;
}

/** The field a JSON pointer such as "/body/email" or "/body/roles/0" is about. */
export function fieldOf(pointer: string): string | null {
  const parts = pointer.split('/');
  return parts.length >= 3 && parts[2] ? decodeURIComponent(parts[2].replace(/~1/g, '/').replace(/~0/g, '~')) : null;
}

/** The server speaks English; the messages it sends for a field are mapped to our own words. */
function fieldMessage(code: string, message: string): string {
  const m = message.toLowerCase();
  if (code === 'LEERPAD_WEAK_PASSWORD') {
    if (m.includes('at least')) return t('errors.passwordShort', { min: 8 });
    if (m.includes('at most')) return t('errors.passwordLong', { max: 256 });
    if (m.includes('commonly')) return t('errors.passwordCommon');
    if (m.includes('e-mail address or name')) return t('errors.passwordPersonal');
  }
  if (code === 'LEERPAD_INVALID_CREDENTIALS') return t('errors.wrongPassword');
  if (m.includes('required property') || m.includes('fewer than 1 characters')) return t('errors.required');
  if (m.includes('format "email"')) return t('errors.email');
  if (m.includes('format "uri"') || m.includes('"^https?://"') || m.includes('"^(https?://|/)"')) return t('errors.url');
  if (m.includes('more than')) return t('errors.tooLong');
  if (m.includes('pattern')) return t('errors.pattern');
  return t('errors.invalid');
}

function summary(err: ApiError): string {
  switch (err.code) {
    case 'LEERPAD_VALIDATION':
    case 'LEERPAD_WEAK_PASSWORD':
      return t('errors.validation');
    case 'LEERPAD_EMAIL_TAKEN':
      return t('errors.emailTaken');
    case 'LEERPAD_INVALID_CREDENTIALS':
      return err.errors.length ? t('errors.validation') : t('errors.invalidCredentials');
    case 'LEERPAD_ACCOUNT_DISABLED':
      return t('errors.accountDisabled');
    case 'LEERPAD_RATE_LIMITED':
      return t('errors.rateLimited', { seconds: err.retryAfter ?? 60 });
    case 'LEERPAD_UNAUTHENTICATED':
      return t('errors.unauthenticated');
    case 'LEERPAD_FORBIDDEN':
    case 'LEERPAD_CSRF':
      return t('errors.forbidden');
    case 'LEERPAD_NOT_FOUND':
      return t('errors.notFound');
    case 'LEERPAD_CONFLICT':
    case 'LEERPAD_SLUG_TAKEN':
      return t('errors.conflict', { detail: err.problem.detail });
    case 'LEERPAD_PAYLOAD_TOO_LARGE':
      return t('errors.tooLarge');
    case 'LEERPAD_NETWORK':
      return t('errors.network');
    case 'LEERPAD_UNAVAILABLE':
      return t('errors.unavailable');
    case 'LEERPAD_INTERNAL':
      return t('errors.server');
    default:
      return err.errors.length ? t('errors.validation') : t('errors.generic', { detail: err.problem.detail || err.problem.title });
  }
}

export function describeError(err: unknown): DescribedError {
  if (!(err instanceof ApiError)) {
    console.error(err);
    return { fields: {}, message: t('errors.server') };
  }
  const fields: Record<string, string> = {};
  for (const e of err.errors) {
    const name = fieldOf(e.pointer);
    if (name && !(name in fields)) fields[name] = fieldMessage(err.code, e.message);
  }
  // The server names no field for a taken address; the form still wants it next to the e-mail input.
  if (err.code === 'LEERPAD_EMAIL_TAKEN' && !fields.email) fields.email = t('errors.emailTaken');
  return { fields, message: summary(err) };
}
