import { useState } from 'preact/hooks';
import { Page } from '../components/page.tsx';
import { t } from '../i18n/auth.ts';
import { logout, me } from '../session.ts';

/** Where the header's log-out button lands; visited while still logged in, it offers the button itself. */
export default function Logout() {
  const user = me.value;
  const [busy, setBusy] = useState(false);
  if (user) {
    const onClick = () => {
      if (busy) return;
      setBusy(true);
      logout().finally(() => setBusy(false));
    };
    return (
      <Page title={t('logout.titleConfirm')}>
        <p>{t('logout.stillIn', { name: user.name })}</p>
        <p>
          <button type="button" class="button button--primary" aria-disabled={busy ? 'true' : undefined} onClick={onClick}>
            {t('logout.confirm')}
          </button>
        </p>
      </Page>
    );
  }
  return (
    <Page title={t('logout.title')}>
      <p role="status">{user === undefined ? t('state.loading') : t('logout.body')}</p>
      <p class="actions">
        <a class="button button--primary" href="/login">
          {t('logout.again')}
        </a>
        <a href="/">{t('notFound.home')}</a>
      </p>
    </Page>
  );
}
