import { t } from '../../i18n/credentials.ts';

/** "Record of achievement", "Micro-credential"...: the name of what was awarded, in the current language. */
export const kindName = (c: { kind: 'participation' | 'achievement'; microCredential: boolean }) =>
  t(c.microCredential ? 'cred.kind.micro' : `cred.kind.${c.kind}`);
