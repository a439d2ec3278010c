// Entry point: read config.json, sign in (the organisation's identity provider, development users, a pasted token, or
// ?user=&company=&role= in the URL), then hand over to the dashboard. The token lives in memory only: never in storage, never in a log.

import { FleetApi } from './js/api.js';
import { apiBaseFrom, loadConfig } from './js/config.js';
import { Dashboard } from './js/dashboard.js';
import { byId, el } from './js/dom.js';
import { Messages } from './js/messages.js';
import { beginSignIn, completeSignIn, signInOf } from './js/oidc.js';

const DEFAULT_CONFIG = { api_base: '', tile_url: null, tile_attribution: '', sign_in: null };

// Why the page was reloaded into the sign-in state; a query parameter because nothing may be stored.
const NOTICE_PARAMETER = 'notice';
const SESSION_ENDED_NOTICE = 'session-ended';

let dashboard = null;
let endingSession = false;

window.fleetDashboard = {
  vehicles() {
    return dashboard?.shownVehicles() ?? [];
  },
  connectionState() {
    return dashboard?.connectionState ?? 'disconnected';
  },
};

async function main() {
  const messages = new Messages(byId('messages'));
  const warn = (text) => messages.error(text);
  const config = await loadConfig('config.json', DEFAULT_CONFIG, warn);
  const api = new FleetApi(apiBaseFrom(config, warn));
  showNotice(messages);

  const provider = signInOf(config);
  if (provider) {
    try {
      const token = await completeSignIn(provider);
      if (token) {
        startSession({ api, messages, config, identity: identityFromToken(token), token });
        return;
      }
    } catch (error) {
      messages.problem('Could not sign in with your organisation', error);
    }
  }

  const identity = identityFromUrl();
  if (identity) {
    try {
      startSession({ api, messages, config, identity, token: await api.devToken(identity) });
      return;
    } catch (error) {
      messages.problem('Could not sign in from the link', error);
    }
  }
  await showSignIn({ api, messages, config });
}

function showNotice(messages) {
  const url = new URL(window.location.href);
  if (url.searchParams.get(NOTICE_PARAMETER) === SESSION_ENDED_NOTICE) {
    messages.error('Your session has ended: the server no longer accepts your sign-in. Please sign in again.');
    url.searchParams.delete(NOTICE_PARAMETER);
    window.history.replaceState(null, '', url);
  }
}

/** ?user=<id>&company=<id>&role=<role>[&vehicles=v-001,v-003]: a link that signs a demo user in directly. */
function identityFromUrl() {
  const parameters = new URLSearchParams(window.location.search);
  const userId = parameters.get('user');
  const companyId = parameters.get('company');
  const role = parameters.get('role');
  if (!userId || !companyId || !role) {
    return null;
  }
  const vehicleIds = (parameters.get('vehicles') ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  return { userId, companyId, role, vehicleIds, name: userId, companyName: companyId };
}

// --- sign-in ----------------------------------------------------------------------------------------------------

async function showSignIn({ api, messages, config }) {
  byId('sign-in').hidden = false;
  let users = null;
  try {
    users = await api.devUsers();
  } catch (error) {
    // 404: not a development server, so there are no demo users; anything else is worth telling.
    if (error.status !== 404) {
      messages.problem('Demo users are not available', error);
    }
  }
  byId('sign-in-loading').hidden = true;
  const provider = signInOf(config);
  if (provider) {
    showProviderSignIn(provider, messages);
  }
  if (Array.isArray(users) && users.length > 0) {
    showDemoSignIn({ api, messages, config }, users);
  } else if (!provider) {
    showTokenSignIn({ api, messages, config });
  }
}

function showProviderSignIn(provider, messages) {
  const form = byId('provider-sign-in');
  form.hidden = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = byId('sign-in-provider');
    button.disabled = true;
    try {
      await beginSignIn(provider);
    } catch (error) {
      messages.problem('Could not reach your organisation\'s sign-in', error);
      button.disabled = false;
    }
  });
}

function showDemoSignIn(context, users) {
  const form = byId('demo-sign-in');
  const select = byId('demo-user');
  const companies = new Map();
  const userOf = new Map();
  for (const user of users) {
    const companyName = user.company_name || user.company_id;
    if (!companies.has(companyName)) {
      companies.set(companyName, el('optgroup', { label: companyName }));
    }
    const option = el('option', { value: user.user_id, text: `${user.name || user.user_id} (${user.role})` });
    userOf.set(option, user);
    companies.get(companyName).append(option);
  }
  select.replaceChildren(...companies.values());
  form.hidden = false;
  select.focus();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = userOf.get(select.selectedOptions[0]);
    if (!user) {
      return;
    }
    const identity = {
      userId: user.user_id,
      companyId: user.company_id,
      role: user.role,
      vehicleIds: user.vehicle_ids ?? [],
      name: user.name || user.user_id,
      companyName: user.company_name || user.company_id,
    };
    const button = byId('sign-in-button');
    button.disabled = true;
    try {
      startSession({ ...context, identity, token: await context.api.devToken(identity) });
    } catch (error) {
      context.messages.problem('Could not sign in', error);
      button.disabled = false;
    }
  });
}

function showTokenSignIn(context) {
  const form = byId('token-sign-in');
  const field = byId('token');
  form.hidden = false;
  field.focus();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = field.value.trim().replace(/^Bearer\s+/i, '');
    if (!token) {
      return;
    }
    // Out of the DOM as soon as it is read.
    field.value = '';
    startSession({ ...context, identity: identityFromToken(token), token });
  });
}

/**
 * Who the token says it is, for the header and to know a driver or viewer from a dispatcher. Not verified here: the
 * server verifies every call, and a wrong guess only changes which panels are shown.
 */
function identityFromToken(token) {
  try {
    const payload = atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(payload, (character) => character.charCodeAt(0))));
    return {
      userId: String(claims.sub ?? ''),
      companyId: String(claims.company_id ?? ''),
      role: typeof claims.role === 'string' ? claims.role : null,
      name: String(claims.name ?? claims.sub ?? 'Signed in'),
      companyName: String(claims.company_id ?? ''),
    };
  } catch {
    return { userId: '', companyId: '', role: null, name: 'Signed in with a token', companyName: '' };
  }
}

// --- session ----------------------------------------------------------------------------------------------------

function startSession({ api, messages, config, identity, token }) {
  api.token = token;
  byId('sign-in').hidden = true;
  byId('dashboard').hidden = false;
  byId('header-status').hidden = false;
  byId('user-box').hidden = false;
  const role = identity.role ? ` (${identity.role})` : '';
  byId('signed-in-as').textContent = identity.companyName
    ? `${identity.name}${role} · ${identity.companyName}`
    : `${identity.name}${role}`;
  byId('sign-out').addEventListener('click', () => endSession(false));

  dashboard = new Dashboard({ api, messages, config, identity, onSessionEnded: () => endSession(true) });
  dashboard.start();
}

/** Back to the sign-in state by reloading: the only copy of the token is in this page's memory. */
async function endSession(becauseRefused) {
  if (endingSession) {
    return;
  }
  endingSession = true;
  try {
    await dashboard?.stop();
  } finally {
    const url = new URL(window.location.pathname, window.location.href);
    if (becauseRefused) {
      url.searchParams.set(NOTICE_PARAMETER, SESSION_ENDED_NOTICE);
    }
    window.location.assign(url);
  }
}

main().catch((error) => {
  console.error('The dashboard failed to start', error);
});
