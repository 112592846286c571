import { render } from 'preact';
import { App } from './App';
import { installLinkInterceptor } from './router';
import { registerServiceWorker, watchInstallPrompt } from './pwa/pwa';
import './styles.css';
import './mobile.css';

const root = document.getElementById('app');
if (!root) throw new Error('#app missing');
installLinkInterceptor(root);
render(<App />, root);
// The installable app: offline shell and web push (docs/mobile.md).
watchInstallPrompt();
registerServiceWorker();
