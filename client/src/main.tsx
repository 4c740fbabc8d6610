import './styles.css';
import { render } from 'preact';
import { App } from './app.tsx';
import { initLang } from './i18n/core.ts';
import { startRouter } from './router.ts';
import { loadMe } from './session.ts';

initLang();
startRouter();
void loadMe();

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
