// Entry point: read config.json, sign in (the organisation's identity provider, development users, a pasted token, or
// ?user=[&company=&role=] in the URL), read who the user is and what their memberships allow (/api/me), then show the
// areas they may use: dispatch, their company's administration, the operators' companies. The token lives in memory
// only: never in storage, never in a log.

import { FleetApi } from './js/api.js';
import { apiBaseFrom, loadConfig } from './js/config.js';
import { AdminArea } from './js/admin-area.js';
import { Dashboard } from './js/dashboard.js';
import { byId, el } from './js/dom.js';
import { useTimeZone } from './js/format.js';
import { Messages } from './js/messages.js';
import { beginSignIn, completeSignIn, signInOf } from './js/oidc.js';
import { OperatorArea } from './js/operator-area.js';

const DEFAULT_CONFIG = { api_base: '', tile_url: null, tile_attribution: '', sign_in: null };

// Why the page was reloaded into the sign-in state; a query parameter because nothing may be stored.
const NOTICE_PARAMETER = 'notice';
const SESSION_ENDED_NOTICE = 'session-ended';

let dashboard = null;
let endingSession = false;
let fleetChanged = false;
// The dispatch view as the page was loaded: switching company builds the next dashboard on a fresh copy, so nothing of
// the previous company's (markers, lists, listeners, hidden panels) survives into it.
const pristineDashboard = document.getElementById('dashboard').cloneNode(true);

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
        await startSession({ api, messages, config, token });
        return;
      }
    } catch (error) {
      messages.problem('Could not sign in with your organisation', error);
    }
  }

  const identity = identityFromUrl();
  if (identity) {
    try {
      await startSession({ api, messages, config, token: await api.devToken(identity), company: identity.companyId });
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

/**
 * ?user=<id>[&company=<id>&role=<role>[&vehicles=v-001,v-003]]: a link that signs a development user in directly. With
 * a company and a role the user gets that membership; the user alone acts through the memberships they have (or as an
 * operator), and a company alone chooses among them.
 */
function identityFromUrl() {
  const parameters = new URLSearchParams(window.location.search);
  const userId = parameters.get('user');
  if (!userId) {
    return null;
  }
  const vehicleIds = (parameters.get('vehicles') ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  return { userId, companyId: parameters.get('company'), role: parameters.get('role'), vehicleIds };
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
    // The operator belongs to no company.
    const companyName = user.company_name || user.company_id || 'Platform';
    if (!companies.has(companyName)) {
      companies.set(companyName, el('optgroup', { label: companyName }));
    }
    const option = el('option', { value: user.user_id, text: `${user.name || user.user_id} (${user.role ?? 'operator'})` });
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
    const identity = { userId: user.user_id, companyId: user.company_id, role: user.role, vehicleIds: user.vehicle_ids ?? [] };
    const button = byId('sign-in-button');
    button.disabled = true;
    try {
      await startSession({ ...context, token: await context.api.devToken(identity), company: identity.companyId });
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
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = field.value.trim().replace(/^Bearer\s+/i, '');
    if (!token) {
      return;
    }
    // Out of the DOM as soon as it is read.
    field.value = '';
    await startSession({ ...context, token });
  });
}

/**
 * Signs in with the token: /api/me says who the user is and what they may do, and the page shows the areas that
 * allows. `company` is the company the sign-in asked for, if any; a user of several companies may switch later.
 */
async function startSession({ api, messages, config, token, company = null }) {
  api.token = token;
  api.company = company || null;
  let me;
  try {
    me = await api.me();
  } catch (error) {
    messages.problem('Could not sign in', error);
    return;
  }
  const usable = me.memberships.filter((membership) => !membership.company_disabled);
  const acting = usable.find((membership) => membership.company_id === (me.acting_company_id ?? api.company)) ?? usable[0] ?? null;
  if (!acting && !me.operator) {
    messages.error(`${me.name ?? me.user_id} is not a member of any company: ask an administrator of your company to add you.`);
    return;
  }

  byId('sign-in').hidden = true;
  byId('user-box').hidden = false;
  byId('sign-out').addEventListener('click', () => endSession(false));
  const session = { api, messages, config, me, acting: null, operatorArea: me.operator ? new OperatorArea({ api, messages }) : null };
  showCompanySwitch(session, usable);
  byId('views').addEventListener('click', (event) => {
    const view = event.target.closest('[data-view]')?.dataset.view;
    if (view) {
      showView(session, view);
    }
  });
  if (acting) {
    await actFor(session, acting);
  } else {
    showHeader(session);
    showView(session, 'operator');
  }
}

/** Acts for one of the user's companies: every call names it, and the dispatch view is built afresh for it. */
async function actFor(session, membership) {
  if (dashboard) {
    await dashboard.stop();
    dashboard = null;
    byId('dashboard').replaceWith(pristineDashboard.cloneNode(true));
  }
  session.acting = membership;
  session.api.company = membership.company_id;
  if (!useTimeZone(membership.time_zone)) {
    session.messages.error(`This browser does not know the company's time zone (${membership.time_zone}): times are shown in the browser's own.`);
  }
  session.adminArea = membership.role === 'admin'
    ? new AdminArea({ api: session.api, messages: session.messages, companyId: membership.company_id, onFleetChanged: () => { fleetChanged = true; } })
    : null;
  showHeader(session);
  byId('header-status').hidden = false;
  showView(session, 'dashboard');
  dashboard = new Dashboard({
    api: session.api, messages: session.messages, config: session.config, identity: { role: membership.role }, onSessionEnded: () => endSession(true),
  });
  dashboard.start();
}

function showHeader({ me, acting, adminArea, operatorArea }) {
  const who = me.name ?? me.user_id;
  byId('signed-in-as').textContent = acting
    ? `${who} (${acting.role}) · ${acting.company_name}`
    : `${who} · platform operator`;
  const views = { dashboard: Boolean(acting), admin: Boolean(adminArea), operator: Boolean(operatorArea) };
  for (const button of byId('views').querySelectorAll('[data-view]')) {
    button.hidden = !views[button.dataset.view];
  }
  byId('views').hidden = Object.values(views).filter(Boolean).length < 2;
}

function showCompanySwitch(session, memberships) {
  if (memberships.length < 2) {
    return;
  }
  const select = byId('company-switch');
  select.replaceChildren(...memberships.map((membership) => el('option', { value: membership.company_id, text: membership.company_name })));
  byId('company-switch-box').hidden = false;
  select.addEventListener('change', () => {
    const chosen = memberships.find((membership) => membership.company_id === select.value);
    if (chosen) {
      actFor(session, chosen);
    }
  });
  select.value = session.api.company ?? memberships[0].company_id;
}

function showView(session, view) {
  for (const [name, main] of [['dashboard', 'dashboard'], ['admin', 'admin'], ['operator', 'operator']]) {
    byId(main).hidden = name !== view;
  }
  for (const button of byId('views').querySelectorAll('[data-view]')) {
    button.setAttribute('aria-pressed', String(button.dataset.view === view));
  }
  byId('header-status').hidden = view !== 'dashboard' || !session.acting;
  if (view === 'admin') {
    byId('admin-company').textContent = session.acting?.company_name ?? '';
    session.adminArea?.show();
  } else if (view === 'operator') {
    session.operatorArea?.show();
  } else if (dashboard) {
    dashboard.map?.refreshSize();
    if (fleetChanged) {
      fleetChanged = false;
      dashboard.refreshSnapshot();
    }
  }
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
