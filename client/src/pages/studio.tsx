import { Page } from '../components/page.tsx';
import { t } from '../i18n/placeholders.ts';

/** A placeholder until the feature that owns this page replaces it. */
export default function Studio() {
  return (
    <Page title={t('studio.title')}>
      <p>{t('studio.body')}</p>
    </Page>
  );
}
