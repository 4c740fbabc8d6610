import { Field, Form, SubmitButton, text, useForm } from '../components/form.tsx';
import { Page } from '../components/page.tsx';
import { auth } from '../api.ts';
import { t } from '../i18n/auth.ts';
import { lang } from '../i18n/core.ts';
import { navigate, safeNext } from '../router.ts';
import { setUser } from '../session.ts';
import type { PageProps } from '../routes.ts';

export default function Register({ query }: PageProps) {
  const form = useForm();
  const next = query.get('next');
  const onSubmit = async (data: FormData) => {
    const { user } = await auth.register({
      name: text(data, 'name').trim(),
      email: text(data, 'email').trim(),
      password: text(data, 'password'),
    });
    setUser(user);
    // The language chosen before the account existed becomes the account's language.
    void auth.updateProfile({ locale: lang.value }).then((r) => setUser(r.user), () => undefined);
    navigate(safeNext(next), { replace: true });
  };
  return (
    <Page title={t('register.title')} lead={t('register.lead')}>
      <div class="narrow">
        <Form form={form} onSubmit={onSubmit}>
          <Field form={form} name="name" label={t('field.name')} hint={t('register.nameHint')} autoComplete="name" required maxLength={120} />
          <Field form={form} name="email" type="email" label={t('field.email')} autoComplete="email" required spellcheck={false} />
          <Field form={form} name="password" type="password" label={t('field.password')} hint={t('register.passwordHint')} autoComplete="new-password" required />
          <SubmitButton form={form} busyLabel={t('register.busy')}>
            {t('register.submit')}
          </SubmitButton>
        </Form>
        <p>
          {t('register.haveAccount')} <a href={next ? `/login?next=${encodeURIComponent(next)}` : '/login'}>{t('register.loginLink')}</a>
        </p>
      </div>
    </Page>
  );
}
