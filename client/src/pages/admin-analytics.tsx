import { useEffect, useState } from 'preact/hooks';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { analytics, type PlatformDashboard } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/analytics.ts';
import { lang } from '../i18n/core.ts';
import { Dashboard } from '../features/stats/dashboard.tsx';
import type { PageProps } from '../routes.ts';

/** The dashboard of the whole platform (platform administrators). */
export default function AdminAnalytics({ query }: PageProps) {
  const from = query.get('from') ?? undefined;
  const to = query.get('to') ?? undefined;
  const [data, setData] = useState<PlatformDashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    const ctl = new AbortController();
    analytics.platform({ from, to }, ctl.signal).then(setData, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(describeError(err).message);
    });
    return () => ctl.abort();
  };
  useEffect(load, [from, to]);

  if (error) return <LoadError message={error} retry={load} />;
  if (!data) return <Loading />;
  return (
    <Page title={t('dash.platformTitle')} lead={t('dash.lead')}>
      <Dashboard
        data={data}
        path="/admin/analytics"
        groups={{
          title: t('dash.institutions'),
          nameHeader: t('dash.institution'),
          rows: data.institutions.map((i) => ({ key: i.institution.id, name: lang.value === 'nl' ? i.institution.nameNl : i.institution.nameEn, figures: i.figures })),
        }}
      />
    </Page>
  );
}
