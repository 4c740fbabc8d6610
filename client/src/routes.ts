import type { ComponentType } from 'preact';
import type { Role } from './api.ts';

export interface PageProps {
  /** Values of the :params in the route's path, decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface RouteDef {
  /** "/courses/:slug"; the first match wins. */
  path: string;
  /** A dynamic import, so each page's code (and its strings) loads only when it is first shown. */
  load: () => Promise<{ default: ComponentType<PageProps> }>;
  /** 'user': logged in; a role: that role or admin. Anonymous visitors are sent to the login page. */
  access?: 'user' | Role;
}

/** The route table: a feature adds its pages here, one line each. */
export const routes: RouteDef[] = [
  { path: '/', load: () => import('./pages/home.tsx') },
  { path: '/login', load: () => import('./pages/login.tsx') },
  { path: '/register', load: () => import('./pages/register.tsx') },
  { path: '/logout', load: () => import('./pages/logout.tsx') },
  { path: '/account', load: () => import('./pages/account.tsx'), access: 'user' },
  { path: '/admin', load: () => import('./pages/admin.tsx'), access: 'admin' },
  { path: '/courses', load: () => import('./pages/courses.tsx') },
  { path: '/my-courses', load: () => import('./pages/my-courses.tsx'), access: 'user' },
  { path: '/studio', load: () => import('./pages/studio.tsx'), access: 'lecturer' },
];

export const notFoundPage = () => import('./pages/not-found.tsx');
