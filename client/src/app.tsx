import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Layout } from './components/layout.tsx';
import { LoadError, Loading, Page } from './components/page.tsx';
import { t } from './i18n/common.ts';
import { matchPath, navigate, route } from './router.ts';
import { notFoundPage, routes, type PageProps, type RouteDef } from './routes.ts';
import { hasRole, me } from './session.ts';

type Loader = RouteDef['load'];
/** Page modules already loaded, so returning to a page renders at once. */
const loaded = new Map<Loader, ComponentType<PageProps>>();

function Forbidden() {
  return (
    <Page title={t('forbidden.title')}>
      <p>{t('forbidden.body')}</p>
      <p>
        <a href="/">{t('notFound.home')}</a>
      </p>
    </Page>
  );
}

function RouteView() {
  const loc = route.value;
  const user = me.value;
  let found: { def: RouteDef; params: Record<string, string> } | null = null;
  for (const def of routes) {
    const params = matchPath(def.path, loc.path);
    if (params) {
      found = { def, params };
      break;
    }
  }
  const access = found?.def.access;
  const gate: 'wait' | 'login' | 'forbidden' | 'ok' =
    !access ? 'ok'
    : user === undefined ? 'wait'
    : user === null ? 'login'
    : access !== 'user' && !hasRole(user, access) ? 'forbidden'
    : 'ok';
  const loader = found ? found.def.load : notFoundPage;
  const Component = loaded.get(loader);
  const [failed, setFailed] = useState<Loader | null>(null);
  const [, setTick] = useState(0);

  useEffect(() => {
    if (gate === 'login') navigate(`/login?next=${encodeURIComponent(loc.path + loc.query.toString().replace(/^(?=.)/, '?'))}`, { replace: true });
  }, [gate, loc]);

  useEffect(() => {
    if (Component || gate === 'login') return;
    let live = true;
    loader().then(
      (m) => {
        loaded.set(loader, m.default);
        if (live) setTick((n) => n + 1);
      },
      (err: unknown) => {
        console.error('page failed to load', err);
        if (live) setFailed(() => loader);
      },
    );
    return () => {
      live = false;
    };
  }, [loader, Component, gate]);

  if (gate === 'login' || gate === 'wait') return <Loading />;
  if (gate === 'forbidden') return <Forbidden />;
  // A chunk that fails to load usually means a new version was deployed: a full reload fetches it.
  if (!Component) return failed === loader ? <LoadError message={t('state.loadFailed')} retry={() => window.location.reload()} /> : <Loading />;
  return <Component key={loc.path} params={found?.params ?? {}} query={loc.query} />;
}

export function App() {
  return (
    <Layout>
      <RouteView />
    </Layout>
  );
}
