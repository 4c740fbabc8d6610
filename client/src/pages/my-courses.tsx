import { Page } from '../components/page.tsx';
import { t } from '../i18n/placeholders.ts';

/** A placeholder until the feature that owns this page replaces it. */
export default function MyCourses() {
  return (
    <Page title={t('myCourses.title')}>
      <p>{t('myCourses.body')}</p>
    </Page>
  );
}
