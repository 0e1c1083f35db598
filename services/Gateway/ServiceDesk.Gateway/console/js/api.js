// The gateway's API as the console uses it: JSON in and out, the CSRF token of the cookie session on every
// unsafe request, and every failure as an ApiError carrying the problem's message and field errors.

let csrfToken = '';

export function setCsrfToken(token) { csrfToken = token || ''; }

export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.code = problem?.code || '';
    this.fieldErrors = problem?.errors || {};
  }
}

function describe(status, problem) {
  if (!problem) return status === 0 ? 'The gateway cannot be reached. Check your connection and try again.' : `The request failed (HTTP ${status}).`;
  if (status === 501) return `${problem.title || 'Not available yet'}: this part of ServiceDesk is not available on this server yet.`;
  if (status === 429) return 'Too many requests: wait a moment and try again.';
  const parts = [problem.title, problem.detail].filter(Boolean);
  return parts.join(': ') || `The request failed (HTTP ${status}).`;
}

export async function api(method, path, body, { signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (!['GET', 'HEAD'].includes(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', signal });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body ?? {}, options);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/** Query strings carry ids and filters only, never personal data. */
export function query(params) {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return entries.length ? '?' + new URLSearchParams(entries).toString() : '';
}
