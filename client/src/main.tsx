import './styles.css';
import { render } from 'preact';
import { App, prepareRoute } from './app.tsx';
import { initLang } from './i18n/core.ts';
import { route, startRouter } from './router.ts';
import { loadMe } from './session.ts';

initLang();
startRouter();
void loadMe();
// A route's code and first requests start as soon as it is known, not after the first paint.
route.subscribe(prepareRoute);

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
