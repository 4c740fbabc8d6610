import type { ComponentType } from 'preact';
import type { Role } from './api.ts';
import { preloadLesson } from './pages/lesson-preload.ts';

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
  /**
   * Starts the page's first requests (api.ts `preload`) while its code loads, so that the two travel side by side
   * rather than one after the other. Kept small: it is part of the main bundle.
   */
  preload?: (params: Record<string, string>) => void;
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
  { path: '/courses/:slug', load: () => import('./pages/course.tsx') },
  { path: '/courses/:slug/lessons/:lessonId', load: () => import('./pages/lesson.tsx'), preload: preloadLesson, access: 'user' },
  { path: '/my-courses', load: () => import('./pages/my-courses.tsx'), access: 'user' },
  { path: '/studio', load: () => import('./pages/studio.tsx'), access: 'lecturer' },
  { path: '/studio/courses/:id', load: () => import('./pages/studio-course.tsx'), access: 'lecturer' },
  { path: '/studio/courses/:id/learners', load: () => import('./pages/studio-learners.tsx'), access: 'lecturer' },
  { path: '/studio/lessons/:id', load: () => import('./pages/studio-lesson.tsx'), access: 'lecturer' },
  { path: '/studio/courses/:id/analytics', load: () => import('./pages/studio-course-analytics.tsx'), access: 'user' },
  { path: '/institution/analytics', load: () => import('./pages/institution-analytics.tsx'), access: 'institution-admin' },
  { path: '/admin/analytics', load: () => import('./pages/admin-analytics.tsx'), access: 'admin' },
  { path: '/studio/courses/:id/credentials', load: () => import('./pages/studio-credentials.tsx'), access: 'user' },
  { path: '/credentials', load: () => import('./pages/credentials.tsx'), access: 'user' },
  { path: '/verify/:id', load: () => import('./pages/verify.tsx') },
];

export const notFoundPage = () => import('./pages/not-found.tsx');
