// The fleet HTTP API (DESIGN 3.4): JSON in snake_case, errors as problem details.

/**
 * A failed call: `status` 0 means the server could not be reached at all. `errors` names each invalid field of the
 * request by its JSON path (`rules.trips.min_stop_seconds`), so a form can show each error next to its field.
 */
export class ApiError extends Error {
  constructor(status, title, detail, errors = {}) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }
}

/** The header that names the company a request acts for, when the user belongs to several (DESIGN 3.5). */
const COMPANY_HEADER = 'X-Fleet-Company';

// A request that hangs would hold back the realtime messages queued behind a snapshot: give up and let the caller retry.
const REQUEST_TIMEOUT_MS = 20_000;
const LOCATION_PAGE_SIZE = 1000;
const MAX_LOCATION_PAGES = 5;

/**
 * config.json's `api_base` as the prefix of every `/api/...` path: '' for this page's own origin, or an absolute http(s)
 * URL (the dashboard on Static Web Apps). The bearer token goes wherever it points, so anything else is refused rather
 * than guessed at: a relative or protocol-relative value, another scheme, credentials, a query or a fragment.
 * @returns {string} the base without a trailing slash
 */
export function apiBaseOf(configured) {
  if (configured === undefined || configured === null || configured === '') {
    return '';
  }
  let url;
  try {
    url = new URL(String(configured));
  } catch {
    throw new Error('api_base is not an absolute URL');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) {
    throw new Error('api_base must be a plain http(s) URL, without credentials, query or fragment');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export class FleetApi {
  /** @param {string} base from apiBaseOf */
  constructor(base) {
    this.base = base;
    this.token = null;
    /** The company every call acts for; null to let the server take the user's only one. */
    this.company = null;
  }

  url(path, query) {
    const pairs = Object.entries(query ?? {}).filter(([, value]) => value !== null && value !== undefined);
    const search = new URLSearchParams(pairs).toString();
    return `${this.base}${path}${search ? `?${search}` : ''}`;
  }

  async request(method, path, { query, body, authenticated = true } = {}) {
    const response = await this.send(method, this.url(path, query), { body, authenticated });
    if (response.status === 204) {
      return null;
    }
    return response.json();
  }

  /**
   * Every item of a list the API answers a page at a time (issue 15): each page's `Link: <...>; rel="next"` (RFC 8288)
   * is followed until a page has none, so a fleet larger than one page still shows whole. A link to another origin is
   * refused, not followed: the bearer token goes wherever it points.
   */
  async list(path, query) {
    const items = [];
    const read = new Set();
    let url = this.url(path, query);
    while (url) {
      read.add(url);
      const response = await this.send('GET', url);
      items.push(...(await response.json()));
      const next = nextPageOf(response);
      if (next && next.origin !== new URL(response.url).origin) {
        throw new ApiError(response.status, 'The next page is elsewhere', `${path} links to ${next.origin}, which is not the API's origin.`);
      }
      url = next?.toString() ?? null;
      if (url && read.has(url)) {
        throw new ApiError(response.status, 'The list does not end', `${path} links back to a page already read.`);
      }
    }
    return items;
  }

  /** One request, or the ApiError saying why it failed (status 0: the server could not be reached or did not answer). */
  async send(method, url, { body, authenticated = true } = {}) {
    const path = new URL(url, window.location.href).pathname;
    const headers = { Accept: 'application/json' };
    if (authenticated) {
      headers.Authorization = `Bearer ${this.token}`;
      if (this.company) {
        headers[COMPANY_HEADER] = this.company;
      }
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }

    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw error?.name === 'TimeoutError'
        ? new ApiError(0, 'The server did not answer in time', `${method} ${path} took longer than ${REQUEST_TIMEOUT_MS / 1000} s.`)
        : new ApiError(0, 'The server cannot be reached', 'Check the network connection.');
    }

    if (!response.ok) {
      throw await problemOf(response);
    }
    return response;
  }

  devUsers() {
    return this.request('GET', '/api/dev/users', { authenticated: false });
  }

  /**
   * A development token of the user. With a company and a role the server first gives the user that membership; the
   * user alone (an operator, or someone whose memberships exist) gets a token of theirs that names no company.
   */
  async devToken(identity) {
    const membership = identity.companyId && identity.role
      ? { company_id: identity.companyId, role: identity.role, vehicle_ids: identity.vehicleIds ?? [] }
      : {};
    const answer = await this.request('POST', '/api/dev/token', { authenticated: false, body: { user_id: identity.userId, ...membership } });
    return answer.access_token;
  }

  /** Who the token says the user is, whether they are an operator, their memberships and the company acted for. */
  me() {
    return this.request('GET', '/api/me');
  }

  companies() {
    return this.list('/api/companies');
  }

  companySettings(companyId) {
    return this.request('GET', `/api/companies/${encodeURIComponent(companyId)}`);
  }

  createCompany(company) {
    return this.request('POST', '/api/companies', { body: company });
  }

  updateCompany(companyId, changes) {
    return this.request('PUT', `/api/companies/${encodeURIComponent(companyId)}`, { body: changes });
  }

  disableCompany(companyId) {
    return this.request('DELETE', `/api/companies/${encodeURIComponent(companyId)}`);
  }

  users() {
    return this.list('/api/users');
  }

  /** Adds a member; `user.company_id` names the company for operators, else the company acted for. */
  addUser(user) {
    return this.request('POST', '/api/users', { body: user });
  }

  updateUser(userId, changes) {
    return this.request('PUT', `/api/users/${encodeURIComponent(userId)}`, { body: changes });
  }

  removeUser(userId) {
    return this.request('DELETE', `/api/users/${encodeURIComponent(userId)}`);
  }

  createVehicle(vehicle) {
    return this.request('POST', '/api/vehicles', { body: vehicle });
  }

  deleteVehicle(vehicleId) {
    return this.request('DELETE', `/api/vehicles/${encodeURIComponent(vehicleId)}`);
  }

  deviceCredentials(deviceId) {
    return this.request('GET', `/api/devices/${encodeURIComponent(deviceId)}/credentials`);
  }

  /** A new credential: `{credential, token}`, the token shown this once. */
  createDeviceCredential(deviceId, label) {
    return this.request('POST', `/api/devices/${encodeURIComponent(deviceId)}/credentials`, { body: { label } });
  }

  revokeDeviceCredential(deviceId, credentialId) {
    return this.request('DELETE', `/api/devices/${encodeURIComponent(deviceId)}/credentials/${encodeURIComponent(credentialId)}`);
  }

  /** Where devices send: the API's origin, absolute (a phone cannot use a relative URL). */
  deviceEndpoint(path) {
    return new URL(`${this.base}${path}`, window.location.href).toString();
  }

  createDriver(driver) {
    return this.request('POST', '/api/drivers', { body: driver });
  }

  deleteDriver(driverId) {
    return this.request('DELETE', `/api/drivers/${encodeURIComponent(driverId)}`);
  }

  negotiate() {
    return this.request('POST', '/api/negotiate');
  }

  vehicles() {
    return this.list('/api/vehicles');
  }

  vehicle(vehicleId) {
    return this.request('GET', `/api/vehicles/${encodeURIComponent(vehicleId)}`);
  }

  dashboard() {
    return this.request('GET', '/api/dashboard');
  }

  drivers() {
    return this.list('/api/drivers');
  }

  driver(driverId) {
    return this.request('GET', `/api/drivers/${encodeURIComponent(driverId)}`);
  }

  alerts() {
    return this.request('GET', '/api/alerts', { query: { limit: 100 } });
  }

  geofences() {
    return this.request('GET', '/api/geofences');
  }

  geofence(geofenceId) {
    return this.request('GET', `/api/geofences/${encodeURIComponent(geofenceId)}`);
  }

  markAlertRead(alertId) {
    return this.request('POST', `/api/alerts/${encodeURIComponent(alertId)}/read`);
  }

  deleteAlert(alertId) {
    return this.request('DELETE', `/api/alerts/${encodeURIComponent(alertId)}`);
  }

  follow(vehicleId) {
    return this.request('POST', '/api/subscriptions', { body: { vehicle_id: vehicleId } });
  }

  unfollow(vehicleId) {
    return this.request('DELETE', '/api/subscriptions', { body: { vehicle_id: vehicleId } });
  }

  trips(vehicleId, from, to) {
    return this.list(`/api/vehicles/${encodeURIComponent(vehicleId)}/trips`, { from: from.toISOString(), to: to.toISOString() });
  }

  jobs(limit = 50) {
    return this.request('GET', '/api/jobs', { query: { limit } });
  }

  job(jobId) {
    return this.request('GET', `/api/jobs/${encodeURIComponent(jobId)}`);
  }

  createJob(job) {
    return this.request('POST', '/api/jobs', { body: job });
  }

  assignJob(jobId, vehicleId, driverId) {
    return this.request('POST', `/api/jobs/${encodeURIComponent(jobId)}/assign`, { body: { vehicle_id: vehicleId, driver_id: driverId } });
  }

  /** A tracking link for the job's customer: `{job_id, token, tracking_url}`. */
  shareJob(jobId) {
    return this.request('POST', `/api/jobs/${encodeURIComponent(jobId)}/share`);
  }

  /** The tracking page's one read, with a tracking link's token as the bearer. */
  track() {
    return this.request('GET', '/api/track');
  }

  /** Positions in [from, to), oldest first; pages are followed up to a cap so that a long trip cannot stall the page. */
  async locations(vehicleId, from, to) {
    const items = [];
    let after = null;
    for (let page = 0; page < MAX_LOCATION_PAGES; page++) {
      const answer = await this.request('GET', `/api/vehicles/${encodeURIComponent(vehicleId)}/locations`, {
        query: { from: from.toISOString(), to: to.toISOString(), limit: LOCATION_PAGE_SIZE, after },
      });
      items.push(...answer.items);
      after = answer.next_after;
      if (!after) {
        return { items, complete: true };
      }
    }
    return { items, complete: false };
  }
}

/** The response's `rel="next"` link resolved against the response's URL, or null on the last page. */
function nextPageOf(response) {
  const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(response.headers.get('Link') ?? '');
  return match ? new URL(match[1], response.url) : null;
}

async function problemOf(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    // Not every failure has a body (a proxy's 502, a 404 of a route that does not exist).
  }
  const title = typeof problem?.title === 'string' && problem.title ? problem.title : `${response.status} ${response.statusText}`.trim();
  const detail = typeof problem?.detail === 'string' ? problem.detail : '';
  const errors = problem?.errors !== null && typeof problem?.errors === 'object' ? problem.errors : {};
  return new ApiError(response.status, title, detail, errors);
}
