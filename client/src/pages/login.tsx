import { Field, Form, SubmitButton, text, useForm } from '../components/form.tsx';
import { Page } from '../components/page.tsx';
import { auth } from '../api.ts';
import { t } from '../i18n/auth.ts';
import { navigate, safeNext } from '../router.ts';
import { setUser } from '../session.ts';
import type { PageProps } from '../routes.ts';

export default function Login({ query }: PageProps) {
  const form = useForm();
  const next = query.get('next');
  const onSubmit = async (data: FormData) => {
    const { user } = await auth.login({ email: text(data, 'email').trim(), password: text(data, 'password') });
    setUser(user);
    navigate(safeNext(next), { replace: true });
  };
  return (
    <Page title={t('login.title')} lead={next ? t('login.needed') : t('login.lead')}>
      <div class="narrow">
        <Form form={form} onSubmit={onSubmit}>
          <Field form={form} name="email" type="email" label={t('field.email')} autoComplete="username" required spellcheck={false} />
          <Field form={form} name="password" type="password" label={t('field.password')} autoComplete="current-password" required />
          <SubmitButton form={form} busyLabel={t('login.busy')}>
            {t('login.submit')}
          </SubmitButton>
        </Form>
        <p>
          {t('login.noAccount')} <a href={next ? `/register?next=${encodeURIComponent(next)}` : '/register'}>{t('login.registerLink')}</a>
        </p>
      </div>
    </Page>
  );
}
