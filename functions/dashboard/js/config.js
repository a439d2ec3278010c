// config.json, shared by the dashboard and the tracking page. Both fall back to the API of the page's own origin, so a
// missing or broken config.json still leaves a page that works where the API is served with it.

import { apiBaseOf } from './api.js';

const FALLBACK = "using the API of this page's own origin.";

/**
 * Reads config.json over `defaults`; `path` is relative to the page, and `warn` tells whoever should know (a dispatcher
 * sees a message, a customer is spared one).
 */
export async function loadConfig(path, defaults, warn) {
  try {
    const response = await fetch(path, { cache: 'no-cache' });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    return { ...defaults, ...(await response.json()) };
  } catch (error) {
    warn(`config.json could not be read (${error.message}): ${FALLBACK}`);
    return { ...defaults };
  }
}

/** The configured API base, or '' (the page's own origin) when it is not one a page may call. */
export function apiBaseFrom(config, warn) {
  try {
    return apiBaseOf(config.api_base);
  } catch (error) {
    warn(`config.json: ${error.message}: ${FALLBACK}`);
    return '';
  }
}
