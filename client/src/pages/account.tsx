import { useEffect, useRef, useState } from 'preact/hooks';
import { Field, Form, SubmitButton, text, useForm } from '../components/form.tsx';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { auth, type AuthSession } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/account.ts';
import { formatDateTime, lang } from '../i18n/core.ts';
import { me, myInstitution } from '../session.ts';
import { StatisticsProfile } from '../features/stats/profile.tsx';
import { DataRights } from '../features/progress/data-rights.tsx';

/** "Firefox on Linux" from a user-agent string; good enough to recognise one's own devices. */
export function describeDevice(ua: string | null): string {
  if (!ua) return t('sessions.unknownDevice');
  const browser =
    /Edg\//.test(ua) ? 'Edge'
    : /OPR\/|Opera/.test(ua) ? 'Opera'
    : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrom(e|ium)\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari'
    : null;
  const os =
    /iPhone|iPad/.test(ua) ? 'iOS'
    : /Android/.test(ua) ? 'Android'
    : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /CrOS/.test(ua) ? 'ChromeOS'
    : /Linux/.test(ua) ? 'Linux'
    : null;
  if (browser && os) return t('sessions.deviceOn', { browser, os });
  return browser ?? os ?? (ua.length > 60 ? `${ua.slice(0, 57)}…` : ua);
}

function Profile() {
  const user = me.value!;
  const inst = myInstitution.value;
  return (
    <section aria-labelledby="profile">
      <h2 id="profile">{t('account.profile')}</h2>
      <dl class="facts">
        <dt>{t('account.name')}</dt>
        <dd>{user.name}</dd>
        <dt>{t('account.email')}</dt>
        <dd>{user.email}</dd>
        <dt>{t('account.roles')}</dt>
        <dd>{user.roles.length ? user.roles.map((r) => t(`role.${r}`)).join(', ') : t('account.noRoles')}</dd>
        {inst && (
          <>
            <dt>{t('account.institution')}</dt>
            <dd>{lang.value === 'nl' ? inst.nameNl : inst.nameEn}</dd>
          </>
        )}
        <dt>{t('account.memberSince')}</dt>
        <dd>{formatDateTime(user.createdAt)}</dd>
      </dl>
    </section>
  );
}

function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const form = useForm();
  const onSubmit = async (data: FormData, el: HTMLFormElement) => {
    await auth.changePassword({ currentPassword: text(data, 'currentPassword'), newPassword: text(data, 'newPassword') });
    el.reset();
    onChanged();
    return t('password.done');
  };
  return (
    <section aria-labelledby="password">
      <h2 id="password">{t('password.title')}</h2>
      <div class="narrow">
        <Form form={form} onSubmit={onSubmit}>
          {/* A hidden username lets password managers file the new password under the right account. */}
          <input type="email" name="username" autoComplete="username" value={me.value?.email} hidden readOnly />
          <Field form={form} name="currentPassword" type="password" label={t('password.current')} autoComplete="current-password" required />
          <Field form={form} name="newPassword" type="password" label={t('password.new')} hint={t('password.newHint')} autoComplete="new-password" required />
          <SubmitButton form={form}>{t('password.submit')}</SubmitButton>
        </Form>
      </div>
    </section>
  );
}

function Sessions({ version }: { version: number }) {
  const [sessions, setSessions] = useState<AuthSession[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const status = useRef<HTMLDivElement>(null);

  const load = () => {
    setLoadError(null);
    auth.sessions().then(
      (r) => setSessions(r.sessions),
      (err) => setLoadError(describeError(err).message),
    );
  };
  useEffect(load, [version]);

  const act = async (key: string, action: () => Promise<void>, done: string) => {
    if (busy) return;
    setBusy(key);
    setMessage(null);
    try {
      await action();
      setMessage({ kind: 'success', text: done });
      load();
    } catch (err) {
      setMessage({ kind: 'error', text: describeError(err).message });
    } finally {
      setBusy(null);
      // The button that was pressed is gone or inert; the outcome is the next useful place for focus.
      status.current?.focus();
    }
  };

  const others = sessions?.filter((s) => !s.current) ?? [];
  return (
    <section aria-labelledby="sessions">
      <h2 id="sessions">{t('sessions.title')}</h2>
      <p>{t('sessions.lead')}</p>
      <div ref={status} tabIndex={-1} class={`form-status${message ? ` form-status--${message.kind}` : ''}`} aria-live="polite" aria-atomic="true">
        {message && <p>{message.text}</p>}
      </div>
      {loadError ? (
        <LoadError message={loadError} retry={load} />
      ) : !sessions ? (
        <Loading />
      ) : (
        <>
          <ul class="session-list">
            {[...sessions].sort((a, b) => Number(b.current) - Number(a.current)).map((s) => {
              const device = describeDevice(s.userAgent);
              return (
                <li key={s.id} class={`card session${s.current ? ' session--current' : ''}`} aria-current={s.current ? 'true' : undefined}>
                  <p class="session-device">
                    <strong>{device}</strong>
                    {s.current && <span class="badge">{t('sessions.thisDevice')}</span>}
                  </p>
                  <dl class="facts facts--compact">
                    <dt>{t('sessions.started')}</dt>
                    <dd>{formatDateTime(s.createdAt)}</dd>
                    <dt>{t('sessions.lastActive')}</dt>
                    <dd>{formatDateTime(s.lastActiveAt)}</dd>
                    {s.ip && (
                      <>
                        <dt>{t('sessions.ip')}</dt>
                        <dd>{s.ip}</dd>
                      </>
                    )}
                  </dl>
                  {!s.current && (
                    <button
                      type="button"
                      class="button"
                      aria-disabled={busy ? 'true' : undefined}
                      aria-label={t('sessions.revokeLabel', { device, when: formatDateTime(s.lastActiveAt) })}
                      onClick={() => act(s.id, () => auth.revokeSession(s.id), t('sessions.revoked'))}
                    >
                      {t('sessions.revoke')}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          {others.length > 0 ? (
            <p>
              <button type="button" class="button" aria-disabled={busy ? 'true' : undefined} onClick={() => act('all', () => auth.revokeOtherSessions(), t('sessions.othersRevoked'))}>
                {t('sessions.revokeOthers')}
              </button>
            </p>
          ) : (
            others.length === 0 && <p>{t('sessions.onlyThis')}</p>
          )}
        </>
      )}
    </section>
  );
}

export default function Account() {
  const [version, setVersion] = useState(0);
  return (
    <Page title={t('account.title')}>
      <Profile />
      <StatisticsProfile />
      <ChangePassword onChanged={() => setVersion((v) => v + 1)} />
      <Sessions version={version} />
      <DataRights />
    </Page>
  );
}
