import { Page } from '../components/page.tsx';
import { t } from '../i18n/placeholders.ts';

/** A placeholder until the feature that owns this page replaces it. */
export default function Courses() {
  return (
    <Page title={t('courses.title')}>
      <p>{t('courses.body')}</p>
    </Page>
  );
}
