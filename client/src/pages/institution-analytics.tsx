import { useEffect, useState } from 'preact/hooks';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { analytics, type InstitutionDashboard } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/analytics.ts';
import { lang } from '../i18n/core.ts';
import { me } from '../session.ts';
import { Dashboard } from '../features/stats/dashboard.tsx';
import type { PageProps } from '../routes.ts';

/** The dashboard of the user's own institution (institution administrators). */
export default function InstitutionAnalytics({ query }: PageProps) {
  const institutionId = me.value?.institutionId ?? null;
  const from = query.get('from') ?? undefined;
  const to = query.get('to') ?? undefined;
  const [data, setData] = useState<InstitutionDashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    if (!institutionId) return;
    setError(null);
    const ctl = new AbortController();
    analytics.institution(institutionId, { from, to }, ctl.signal).then(setData, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(describeError(err).message);
    });
    return () => ctl.abort();
  };
  useEffect(load, [institutionId, from, to]);

  if (!institutionId) {
    return (
      <Page title={t('dash.platformTitle')}>
        <p>{t('dash.noInstitution')}</p>
      </Page>
    );
  }
  if (error) return <LoadError message={error} retry={load} />;
  if (!data) return <Loading />;
  const name = lang.value === 'nl' ? data.institution.nameNl : data.institution.nameEn;
  return (
    <Page title={t('dash.institutionTitle', { name })} lead={t('dash.lead')}>
      <Dashboard data={data} path="/institution/analytics" />
    </Page>
  );
}
