// Sign-in with the organisation's OpenID Connect provider: the authorization code flow with PKCE (RFC 7636), the one
// meant for code running in a browser. Only the PKCE verifier and the state wait in sessionStorage across the
// provider's redirect; the access token itself never leaves this page's memory.

const PENDING_KEY = 'fleet.sign-in.pending';

/** The `sign_in` section of config.json when it names a provider, else null. */
export function signInOf(config) {
  const signIn = config?.sign_in;
  const complete = signIn && ['authority', 'client_id', 'scope'].every((key) => typeof signIn[key] === 'string' && signIn[key] !== '');
  return complete ? signIn : null;
}

/** Leaves for the provider's sign-in page; it sends the browser back here with a code. */
export async function beginSignIn(signIn) {
  const { authorizationEndpoint } = await endpointsOf(signIn.authority);
  const verifier = randomText(32);
  const state = randomText(16);
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: signIn.client_id,
    redirect_uri: redirectUri(),
    scope: `openid ${signIn.scope}`,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url);
}

/**
 * The access token for a provider's redirect back to this page, or null when this load is not one. The code leaves the
 * address bar at once: it is single-use and must not linger in history or be bookmarked.
 */
export async function completeSignIn(signIn) {
  const parameters = new URLSearchParams(window.location.search);
  const code = parameters.get('code');
  const error = parameters.get('error');
  if (!code && !error) {
    return null;
  }
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
  sessionStorage.removeItem(PENDING_KEY);
  window.history.replaceState(null, '', redirectUri());
  if (error) {
    throw new Error(parameters.get('error_description') || error);
  }
  if (!pending || pending.state !== parameters.get('state')) {
    throw new Error('the answer does not belong to a sign-in this page started');
  }

  const { tokenEndpoint } = await endpointsOf(signIn.authority);
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: signIn.client_id,
      code,
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || typeof answer.access_token !== 'string') {
    throw new Error(answer.error_description || answer.error || `the token endpoint answered HTTP ${response.status}`);
  }
  return answer.access_token;
}

async function endpointsOf(authority) {
  const base = authority.endsWith('/') ? authority : `${authority}/`;
  const response = await fetch(new URL('.well-known/openid-configuration', base), { cache: 'no-cache' });
  if (!response.ok) {
    throw new Error(`the provider's configuration answered HTTP ${response.status}`);
  }
  const metadata = await response.json();
  return { authorizationEndpoint: metadata.authorization_endpoint, tokenEndpoint: metadata.token_endpoint };
}

/** This page without query or fragment: what the provider registered, and must match at both steps. */
function redirectUri() {
  return new URL(window.location.pathname, window.location.origin).toString();
}

function randomText(bytes) {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
