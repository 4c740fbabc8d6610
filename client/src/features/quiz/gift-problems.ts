import type { ImportReport } from '../../api.ts';
import { formatNumber, type Vars } from '../../i18n/core.ts';
import { nl, t } from '../../i18n/quiz-studio.ts';

type Key = Parameters<typeof t>[0];
export type GiftReportLine = Pick<ImportReport['problems'][number], 'code' | 'params' | 'message'>;

const known = (key: string): key is Key => key in nl;

/**
 * A problem or warning of a GIFT import in the lecturer's language. The server sends a stable code with its
 * parameters (server/quizzes/gift.ts); the text is `quizStudio.gift.code.<code>`, with numbers in the local
 * notation, the question type and the place (`field`, `n`) named in words. A code this client does not know yet
 * (a newer server) falls back to the server's English message.
 */
export function giftLineText(p: GiftReportLine): string {
  const key = `quizStudio.gift.code.${p.code}`;
  if (!known(key)) return p.message;
  const params = p.params ?? {};
  const vars: Vars = {};
  for (const [name, value] of Object.entries(params)) vars[name] = typeof value === 'number' ? formatNumber(value) : value;
  const type = `quizStudio.type.${params.type}`;
  if (params.type !== undefined && known(type)) vars.type = t(type);
  const field = `quizStudio.gift.field.${params.field}`;
  if (params.field !== undefined) vars.field = known(field) ? t(field, params.n !== undefined ? { n: vars.n } : undefined) : String(params.field);
  const text = t(key, vars);
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
