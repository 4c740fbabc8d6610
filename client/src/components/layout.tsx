import type { ComponentChildren } from 'preact';
import { LANGS, lang } from '../i18n/core.ts';
import { t } from '../i18n/common.ts';
import { route, navigate } from '../router.ts';
import { chooseLang, hasRole, logout, me, myInstitution } from '../session.ts';

function NavLink({ href, children }: { href: string; children: ComponentChildren }) {
  const path = route.value.path;
  const current = path === href || path.startsWith(`${href}/`);
  return (
    <li>
      <a href={href} aria-current={current ? 'page' : undefined}>
        {children}
      </a>
    </li>
  );
}

export function LangSwitch() {
  return (
    <div class="lang-switch" role="group" aria-label={t('lang.label')}>
      {LANGS.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={lang.value === l ? 'true' : 'false'} onClick={() => chooseLang(l)}>
          <span aria-hidden="true">{l.toUpperCase()}</span>
          <span class="visually-hidden">{t(`lang.${l}`)}</span>
        </button>
      ))}
    </div>
  );
}

function Header() {
  const user = me.value;
  const inst = myInstitution.value;
  const onLogout = async () => {
    try {
      await logout();
    } finally {
      navigate('/logout');
    }
  };
  return (
    <header class="site-header">
      <div class="header-inner">
        <div class="brand">
          <a href="/" class="brand-link">
            <span class="brand-mark" aria-hidden="true">
              L
            </span>
            {t('site.name')}
          </a>
          {inst && <span class="brand-institution">{lang.value === 'nl' ? inst.nameNl : inst.nameEn}</span>}
        </div>
        <nav class="site-nav" aria-label={t('nav.label')}>
          <ul>
            <NavLink href="/courses">{t('nav.catalogue')}</NavLink>
            {user && <NavLink href="/my-courses">{t('nav.myCourses')}</NavLink>}
            {user && <NavLink href="/credentials">{t('nav.credentials')}</NavLink>}
            {hasRole(user, 'lecturer') && <NavLink href="/studio">{t('nav.studio')}</NavLink>}
            {hasRole(user, 'admin') && <NavLink href="/admin">{t('nav.admin')}</NavLink>}
            {hasRole(user, 'institution-admin') && <NavLink href={hasRole(user, 'admin') ? '/admin/analytics' : '/institution/analytics'}>{t('nav.analytics')}</NavLink>}
          </ul>
        </nav>
        <div class="header-tools">
          <LangSwitch />
          {user === undefined ? null : user ? (
            <nav class="user-nav" aria-label={t('nav.user')}>
              <a href="/account" class="user-link" aria-current={route.value.path === '/account' ? 'page' : undefined}>
                <span class="visually-hidden">{t('nav.account')}: </span>
                {user.name}
              </a>
              <button type="button" class="button button--quiet" onClick={onLogout}>
                {t('nav.logout')}
              </button>
            </nav>
          ) : (
            <nav class="user-nav" aria-label={t('nav.user')}>
              <a href="/login" aria-current={route.value.path === '/login' ? 'page' : undefined}>
                {t('nav.login')}
              </a>
              <a href="/register" class="button button--primary" aria-current={route.value.path === '/register' ? 'page' : undefined}>
                {t('nav.register')}
              </a>
            </nav>
          )}
        </div>
      </div>
    </header>
  );
}

function Footer() {
  return (
    <footer class="site-footer">
      <div class="footer-inner">
        <p>{t('footer.about')}</p>
        <ul class="footer-links">
          <li>
            <a href="/api/docs">{t('footer.api')}</a>
          </li>
        </ul>
      </div>
    </footer>
  );
}

export function Layout({ children }: { children: ComponentChildren }) {
  return (
    <>
      <a class="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <Header />
      <main id="main" class="site-main" tabIndex={-1}>
        {children}
      </main>
      <Footer />
    </>
  );
}
