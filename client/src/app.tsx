import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Layout } from './components/layout.tsx';
import { LoadError, Loading, Page } from './components/page.tsx';
import { t } from './i18n/common.ts';
import { matchPath, navigate, route, type Location } from './router.ts';
import { notFoundPage, routes, type PageProps, type RouteDef } from './routes.ts';
import { hasRole, me } from './session.ts';

type Loader = RouteDef['load'];
/** Page modules already loaded, so returning to a page renders at once. */
const loaded = new Map<Loader, ComponentType<PageProps>>();
/** Page modules on their way (asked for once, however often the route changes meanwhile). */
const loading = new Map<Loader, Promise<void>>();

function loadPage(loader: Loader): Promise<void> {
  let p = loading.get(loader);
  if (!p) {
    p = loader().then((m) => void loaded.set(loader, m.default));
    p.catch(() => loading.delete(loader)); // asked for again next time
    loading.set(loader, p);
  }
  return p;
}

function matchRoute(path: string): { def: RouteDef; params: Record<string, string> } | null {
  for (const def of routes) {
    const params = matchPath(def.path, path);
    if (params) return { def, params };
  }
  return null;
}

let preparedPath: string | null = null;

/**
 * Starts what a location needs before anything renders: the route's first requests (its `preload`) and the
 * page's code, side by side rather than one after the other. main.tsx runs it on every route change; a change of
 * query or hash alone keeps the page (see RouteView's key), so it needs nothing new.
 */
export function prepareRoute(loc: Location) {
  if (loc.path === preparedPath) return;
  preparedPath = loc.path;
  const found = matchRoute(loc.path);
  // A page for logged-in users only, and nobody is: the login page comes instead.
  if (found?.def.access && me.peek() === null) return;
  found?.def.preload?.(found.params);
  loadPage(found ? found.def.load : notFoundPage).catch(() => undefined); // the view reports a failure
}

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
  const found = matchRoute(loc.path);
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
    loadPage(loader).then(
      () => {
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
