import { render } from 'preact';
import { App } from './App';
import { installLinkInterceptor } from './router';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('#app missing');
installLinkInterceptor(root);
render(<App />, root);
