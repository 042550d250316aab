import { LoginError } from './login-error.js';

export interface OAuthAnswer {
  status: number;
  /** The parsed JSON body; an empty object when the body was not JSON. */
  json: Record<string, unknown>;
  headers: Headers;
}

const TIMEOUT_MS = 30_000;

async function send(url: string, body: string, contentType: string): Promise<OAuthAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, accept: 'application/json' }, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    // Inside the try: a connection reset or timeout while the body streams is a LoginError too.
    text = await response.text();
  } catch (error) {
    throw new LoginError(`could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    // leave empty: callers report the status
  }
  return { status: response.status, json, headers: response.headers };
}

/** POST `application/x-www-form-urlencoded` (RFC 6749 style endpoints). */
export function postForm(url: string, form: Record<string, string>): Promise<OAuthAnswer> {
  return send(url, new URLSearchParams(form).toString(), 'application/x-www-form-urlencoded');
}

/** POST JSON (AWS SSO-OIDC, Kiro's auth service). */
export function postJson(url: string, body: unknown): Promise<OAuthAnswer> {
  return send(url, JSON.stringify(body), 'application/json');
}

/** `error` / `error_description` of an OAuth error body, for messages (never echoes tokens). */
export function describeOAuthError(answer: OAuthAnswer): string {
  const error = typeof answer.json.error === 'string' ? answer.json.error : undefined;
  const description = typeof answer.json.error_description === 'string' ? answer.json.error_description.slice(0, 200) : undefined;
  return `HTTP ${answer.status}${error ? ` ${error}` : ''}${description ? `: ${description}` : ''}`;
}

export function requireStringField(json: Record<string, unknown>, field: string, what: string): string {
  const value = json[field];
  if (typeof value !== 'string' || value === '') throw new LoginError(`${what} answered without ${field}`);
  return value;
}

export function numberField(json: Record<string, unknown>, field: string, fallback: number): number {
  const value = json[field];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
