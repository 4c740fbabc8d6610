/**
 * Data rights on the account page: a copy of everything Leerpad holds about me (a JSON file), and erasure of the
 * account after the password is confirmed. Erasure logs out and goes home: the session is gone with the account.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Field, Form, text, useForm } from '../../components/form.tsx';
import { privacy } from '../../api.ts';
import { t } from '../../i18n/progress.ts';
import { navigate } from '../../router.ts';
import { noticeForNextPage } from '../../components/page.tsx';
import { me } from '../../session.ts';
import './progress.css';

function DeleteAccount() {
  const [open, setOpen] = useState(false);
  const form = useForm();
  const opener = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  useEffect(() => {
    if (open) form.ref.current?.querySelector<HTMLInputElement>('input[type="password"]')?.focus();
    else if (wasOpen.current) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);

  const onSubmit = async (data: FormData) => {
    await privacy.deleteAccount(text(data, 'password'));
    me.value = null;
    noticeForNextPage(t('privacy.deleted'));
    navigate('/', { replace: true });
  };

  return (
    <div class="danger-zone">
      <h3 id="delete-account">{t('privacy.deleteTitle')}</h3>
      <p>{t('privacy.deleteLead')}</p>
      <ul>
        <li>{t('privacy.deleteWhat1')}</li>
        <li>{t('privacy.deleteWhat2')}</li>
        <li>{t('privacy.deleteWhat3')}</li>
      </ul>
      {!open ? (
        <button ref={opener} type="button" class="button button--danger" onClick={() => setOpen(true)}>
          {t('privacy.deleteOpen')}
        </button>
      ) : (
        <div class="narrow">
          <div class="notice notice--error">
            <p>
              <strong>{t('privacy.deleteWarning')}</strong>
            </p>
          </div>
          <Form form={form} onSubmit={onSubmit} label={t('privacy.deleteTitle')}>
            <input type="email" name="username" autoComplete="username" value={me.value?.email} hidden readOnly />
            <Field form={form} name="password" type="password" label={t('privacy.password')} hint={t('privacy.passwordHint')} autoComplete="current-password" required />
            <div class="actions">
              <button type="submit" class="button button--danger" aria-disabled={form.submitting ? 'true' : undefined}>
                {form.submitting ? t('privacy.deleting') : t('privacy.deleteConfirm')}
              </button>
              <button type="button" class="button" onClick={() => setOpen(false)}>
                {t('action.cancel')}
              </button>
            </div>
          </Form>
        </div>
      )}
    </div>
  );
}

export function DataRights() {
  return (
    <section aria-labelledby="data-rights">
      <h2 id="data-rights">{t('privacy.title')}</h2>
      <h3>{t('privacy.exportTitle')}</h3>
      <p>{t('privacy.exportLead')}</p>
      <p>
        <a class="button" href={privacy.exportUrl} download>
          {t('privacy.export')}
        </a>
      </p>
      <DeleteAccount />
    </section>
  );
}
