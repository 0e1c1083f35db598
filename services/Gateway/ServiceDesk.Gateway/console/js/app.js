// The ServiceDesk console: one page, routes in the URL fragment (ids only, never personal data), every
// call through the gateway's API with the cookie session.
import { ApiError, del, get, post, setCsrfToken } from './api.js';
import { errorBox, h, replace } from './dom.js';
import { agentRoutes } from './agent.js';
import { adminRoutes } from './admin.js';
import { customerRoutes } from './customer.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const messages = document.getElementById('messages');

export const session = { account: null, projects: [] };

let stopPage = null;

/** Shows a failure at the top of the page (a sign-in that expired sends to the sign-in form). */
export function showError(error) {
  if (error instanceof ApiError && error.status === 401 && session.account) {
    session.account = null;
    signInPage('Your session has ended. Sign in again.');
    return;
  }
  replace(messages, errorBox(error));
}

export function clearMessages() { replace(messages); }

let pendingError = null;

/** A failure to show on the page about to be opened (e.g. a participant refused after its request was created). */
export function showAfterNavigation(error) { pendingError = error; }

/** Runs an action of a form: disables its button, shows its error inside the form. */
export async function submitting(form, action) {
  const button = form.querySelector('button[type="submit"]');
  form.querySelector('.error')?.remove();
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) showError(error);
    else form.append(errorBox(error));
    return undefined;
  } finally {
    if (button) {
      button.disabled = false;
      // Disabling the focused button dropped the focus to the page's body: a keyboard user carries on from the button.
      if (button.isConnected && (!document.activeElement || document.activeElement === document.body)) button.focus();
    }
  }
}

/** Puts the focus on the element of a page just drawn again (e.g. the field of the form just sent), else on the page's main area. */
export function refocus(container, selector) {
  const target = selector && container.querySelector(selector);
  if (target) target.focus();
  else if (container.isConnected) main.focus();
}

export function navigate(route) { location.hash = route; }

/** Registers what to stop (e.g. polling) when the page changes. */
export function onLeave(stop) { stopPage = stop; }

function routesFor(role) {
  if (role === 'admin') return [...agentRoutes, ...adminRoutes];
  if (role === 'agent') return agentRoutes;
  return customerRoutes;
}

// Resolves to whether the page it rendered is still the one shown: a page that finished loading after the user moved
// on must not take the focus from the page they are typing in.
async function render() {
  leavePage();
  if (pendingError) {
    showError(pendingError);
    pendingError = null;
  }
  if (!session.account) {
    signInPage();
    return true;
  }
  const routes = routesFor(session.account.role);
  const path = location.hash.replace(/^#/, '') || routes[0].path;
  renderNav(routes, path);
  for (const route of routes) {
    const match = route.pattern ? path.match(route.pattern) : (path === route.path ? [] : null);
    if (!match) continue;
    // Each render writes into a view of its own: a page still loading when the user moves on (its answer arriving
    // after the next page was shown) fills a view no longer in the document instead of replacing the next page.
    const view = h('div', {}, h('p', {}, 'Loading…'));
    replace(main, view);
    try {
      await route.render(view, ...match.slice(1).map(decodeURIComponent));
    } catch (error) {
      replace(view, h('h1', {}, route.title || 'ServiceDesk'), errorBox(error));
      if (error instanceof ApiError && error.status === 401 && view.isConnected) showError(error);
    }
    if (view.isConnected) document.title = `${route.title || 'ServiceDesk'} · ServiceDesk`;
    return view.isConnected;
  }
  replace(main, h('h1', {}, 'Not found'), h('p', {}, 'There is no such page.'), h('a', { href: `#${routes[0].path}` }, 'Go to the start page'));
  return true;
}

/** Stops what the page shown was doing and drops its messages. */
function leavePage() {
  stopPage?.();
  stopPage = null;
  clearMessages();
}

function renderNav(routes, path) {
  replace(nav, routes.filter((route) => route.menu).map((route) =>
    h('a', { href: `#${route.path}`, 'aria-current': path === route.path || path.startsWith(route.path + '/') ? 'page' : null }, route.menu)));
  replace(who, h('span', {}, `${session.account.login} (${session.account.role})`),
    h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out'));
}

function signInPage(notice) {
  replace(nav);
  replace(who);
  const login = h('input', { id: 'login', name: 'login', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { 'aria-labelledby': 'signin-title' },
    h('label', { for: 'login' }, 'Login (e-mail address)'), login,
    h('label', { for: 'password' }, 'Password'), password,
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const signedIn = await submitting(form, () => post('/api/v1/session', { login: login.value, password: password.value }));
    if (!signedIn) return;
    await start(signedIn);
    if (!location.hash) navigate(routesFor(session.account.role)[0].path);
    else await render();
  });
  replace(main, h('h1', { id: 'signin-title' }, 'Sign in'), notice ? h('p', { class: 'notice' }, notice) : null, form);
  document.title = 'Sign in · ServiceDesk';
  login.focus();
}

async function signOut() {
  try { await del('/api/v1/session'); } catch (error) { showError(error); return; }
  session.account = null;
  setCsrfToken('');
  history.replaceState(null, '', location.pathname);
  signInPage('You are signed out.');
}

async function start(signedIn) {
  session.account = signedIn.account;
  setCsrfToken(signedIn.csrfToken);
  try {
    session.projects = (await get('/api/v1/projects?pageSize=200')).items;
  } catch (error) {
    session.projects = [];
    showError(error);
  }
}

/** Starts from the session the gateway holds: the signed-in user's page, or the sign-in form. */
async function boot() {
  try {
    await start(await get('/api/v1/session'));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) replace(messages, errorBox(error));
    session.account = null;
  }
  await render();
}

window.addEventListener('hashchange', () => { render().then((shown) => { if (shown) main.focus(); }); });

// Back to this page from another one, the browser may show it from its back/forward cache, as it was when the user
// left and without asking the gateway: the session may have ended since (signed out in another tab) and the customer
// shown been removed. What it showed goes at once, and the page starts again from the session.
window.addEventListener('pageshow', (event) => {
  if (!event.persisted) return;
  leavePage();
  session.account = null;
  replace(nav);
  replace(who);
  replace(main, h('p', {}, 'Loading…'));
  boot();
});

boot();
