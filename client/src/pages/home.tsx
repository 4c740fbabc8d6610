import { Page } from '../components/page.tsx';
import { t } from '../i18n/home.ts';
import { me } from '../session.ts';

export default function Home() {
  const user = me.value;
  return (
    <Page title={user ? t('home.titleUser', { name: user.name }) : t('home.title')} lead={t('home.lead')}>
      <p class="actions">
        <a class="button button--primary button--large" href="/courses">
          {t('home.browse')}
        </a>
        {user === null && (
          <>
            <a class="button button--large" href="/register">
              {t('home.register')}
            </a>
            <a href="/login">{t('home.login')}</a>
          </>
        )}
      </p>
      <section aria-labelledby="how">
        <h2 id="how">{t('home.how')}</h2>
        <ol class="steps">
          {([1, 2, 3] as const).map((n) => (
            <li key={n} class="card">
              <h3>{t(`home.step${n}.title`)}</h3>
              <p>{t(`home.step${n}.text`)}</p>
            </li>
          ))}
        </ol>
      </section>
    </Page>
  );
}
