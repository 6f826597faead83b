// The public status page (web/status.html, served at /status/:slug and at / of a custom domain). A separate entry of
// the console's build: it loads none of the console's code and never asks for or sends an API key.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PublicPage } from './PublicPage.tsx';
import '../styles.css';
import './status.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PublicPage path={location.pathname} />
  </StrictMode>,
);
