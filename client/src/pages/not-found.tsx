import { Page } from '../components/page.tsx';
import { t } from '../i18n/common.ts';

export default function NotFound() {
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
      <p class="actions">
        <a class="button button--primary" href="/">
          {t('notFound.home')}
        </a>
        <a href="/courses">{t('notFound.catalogue')}</a>
      </p>
    </Page>
  );
}
