import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { GatewayError } from '../canonical/gateway-error.js';
import { mapTransportError } from '../upstream/map-transport-error.js';
import type { CredsFileFormat, CredsJson, OAuthTokens } from './creds-file-formats.js';
import { SingleFlightRefresher, waitWithSignal } from './single-flight-refresher.js';

/** What a provider's refresh call returns; a missing `refreshToken` keeps the current one. */
export interface RefreshedTokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /**
   * Other creds-file fields the token endpoint handed out (Qwen's `resource_url`, Kiro's
   * `profileArn`), written into the file with the tokens so a restart keeps using them.
   */
  fileFields?: Record<string, string>;
}

/** `json` is the creds file as just read from disk (a refresher may need its other fields). */
export type RefreshTokens = (current: OAuthTokens, json: CredsJson) => Promise<RefreshedTokens>;

export interface OAuthTokenSourceOptions {
  /** Path of the creds JSON file; read lazily on first use, rewritten after every refresh. */
  path: string;
  format: CredsFileFormat;
  /**
   * Calls the provider's token endpoint. A GatewayError it throws with a code other than
   * `authentication` passes through (a transient token-endpoint failure); transport errors become
   * `upstream_unreachable`/`upstream_timeout`; anything else becomes an `authentication` error.
   */
  refresh: RefreshTokens;
  /** Refresh this long before `expiresAt`. Default 5 minutes. */
  refreshWindowMs?: number;
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
  /**
   * Called when refreshed tokens could not be written back to the creds file. The new tokens are
   * still used from memory; without this callback the failure is silent.
   */
  onPersistError?: (error: GatewayError) => void;
}

export const DEFAULT_REFRESH_WINDOW_MS = 5 * 60_000;

interface LoadedCreds {
  json: CredsJson;
  tokens: OAuthTokens;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An undici/socket failure (`UND_ERR_*`, `ECONNRESET`, ...) or an AbortSignal.timeout firing. */
function isTransportError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && /^(UND_ERR_|E[A-Z]{3,})/.test(code)) return true;
  return name === 'TimeoutError';
}

/**
 * Reads and validates a creds file. Every problem (missing, unreadable, not JSON, not an object,
 * unusable token fields) is an `authentication` error naming the file.
 */
export async function readCredsFile(path: string, format: CredsFileFormat): Promise<LoadedCreds> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read: ${describe(error)}`;
    throw new GatewayError('authentication', `Credentials file ${path} ${reason}`, { cause: error, origin: 'gateway' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GatewayError('authentication', `Credentials file ${path} is not valid JSON: ${describe(error)}`, {
      cause: error,
      origin: 'gateway',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError('authentication', `Credentials file ${path} must hold a JSON object`, { origin: 'gateway' });
  }
  const json = parsed as CredsJson;
  try {
    return { json, tokens: format.read(json) };
  } catch (error) {
    throw new GatewayError(
      'authentication',
      `Credentials file ${path} has no usable ${format.name} tokens: ${describe(error)}`,
      { cause: error, origin: 'gateway' },
    );
  }
}

function validateRefreshed(value: RefreshedTokens): void {
  if (typeof value !== 'object' || value === null) throw new Error('refresh returned no tokens');
  if (typeof value.accessToken !== 'string' || value.accessToken === '') {
    throw new Error('refresh returned no access token');
  }
  if (typeof value.expiresAt !== 'number' || !Number.isFinite(value.expiresAt)) {
    throw new Error('refresh returned no valid expiry');
  }
  if (value.refreshToken !== undefined && (typeof value.refreshToken !== 'string' || value.refreshToken === '')) {
    throw new Error('refresh returned an invalid refresh token');
  }
  if (value.fileFields !== undefined) {
    if (typeof value.fileFields !== 'object' || value.fileFields === null) throw new Error('refresh returned invalid file fields');
    for (const [key, field] of Object.entries(value.fileFields)) {
      if (typeof field !== 'string') throw new Error(`refresh returned a non-string ${key}`);
    }
  }
}

/**
 * OAuth access tokens backed by a creds file. `getAccessToken` refreshes ahead of expiry,
 * `forceRefresh` after the upstream rejected a token (401). Loading and refreshing are
 * single-flight: concurrent callers share one file read and one refresh call. After a refresh the
 * creds file is rewritten atomically (mode 0600) with every unknown field kept; a corrupt file is
 * reported and never overwritten. A failed refresh rejects all its waiters with an
 * `authentication` error; the next call tries again.
 */
export class OAuthTokenSource {
  readonly path: string;
  readonly #format: CredsFileFormat;
  readonly #refresh: RefreshTokens;
  readonly #refreshWindowMs: number;
  readonly #now: () => number;
  readonly #onPersistError: ((error: GatewayError) => void) | undefined;
  readonly #flight = new SingleFlightRefresher<OAuthTokens>();
  #creds: LoadedCreds | undefined;

  constructor(options: OAuthTokenSourceOptions) {
    this.path = options.path;
    this.#format = options.format;
    this.#refresh = options.refresh;
    this.#refreshWindowMs = options.refreshWindowMs ?? DEFAULT_REFRESH_WINDOW_MS;
    this.#now = options.now ?? Date.now;
    this.#onPersistError = options.onPersistError;
  }

  /**
   * The access token when it is loaded and fresh, else undefined (then `getAccessToken` loads or
   * refreshes it). Lets a request that needs no wait skip making an AbortSignal.
   */
  freshAccessToken(): string | undefined {
    const current = this.#creds?.tokens;
    return current !== undefined && this.#isFresh(current) ? current.accessToken : undefined;
  }

  /** A valid access token, refreshing first when it expires within the refresh window. */
  async getAccessToken(signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) return waitWithSignal(Promise.resolve(''), signal);
    const current = this.#creds?.tokens;
    if (current !== undefined && this.#isFresh(current)) return current.accessToken;
    const tokens = await waitWithSignal(
      this.#flight.run(() => this.#ensureFresh()),
      signal,
    );
    return tokens.accessToken;
  }

  /**
   * Refreshes regardless of expiry, for an upstream 401. Pass the access token that was rejected:
   * when another caller has already replaced it, the current token is returned without a second
   * refresh. Joins a refresh already in flight.
   */
  async forceRefresh(rejectedAccessToken?: string, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) return waitWithSignal(Promise.resolve(''), signal);
    const current = this.#creds?.tokens;
    if (
      rejectedAccessToken !== undefined &&
      current !== undefined &&
      current.accessToken !== rejectedAccessToken &&
      this.#isFresh(current) &&
      !this.#flight.inFlight
    ) {
      return current.accessToken;
    }
    const rejected = rejectedAccessToken ?? current?.accessToken;
    const joined = this.#flight.inFlight;
    let tokens = await waitWithSignal(
      this.#flight.run(() => this.#refreshNow(rejected)),
      signal,
    );
    // A joined flight may have been a plain load that handed back the very token that was rejected.
    if (joined && rejected !== undefined && tokens.accessToken === rejected) {
      tokens = await waitWithSignal(
        this.#flight.run(() => this.#refreshNow(rejected)),
        signal,
      );
    }
    return tokens.accessToken;
  }

  /**
   * The creds file as last read or written, not copied (callers only read it), or undefined before
   * it is loaded (then `getCredsJson`). Saves a structured clone per request.
   */
  loadedCredsJson(): Readonly<CredsJson> | undefined {
    return this.#creds?.json;
  }

  /** A copy of the creds file as last read or written (e.g. for Kiro's `profileArn`, `region`). */
  async getCredsJson(signal?: AbortSignal): Promise<CredsJson> {
    if (this.#creds === undefined) {
      await waitWithSignal(
        this.#flight.run(() => this.#loadOnly()),
        signal,
      );
    }
    return structuredClone(this.#creds!.json);
  }

  #isFresh(tokens: OAuthTokens): boolean {
    return tokens.expiresAt - this.#refreshWindowMs > this.#now();
  }

  async #loadOnly(): Promise<OAuthTokens> {
    if (this.#creds === undefined) this.#creds = await readCredsFile(this.path, this.#format);
    return this.#creds.tokens;
  }

  /** Loads the file if needed, then refreshes only if the token is still not fresh. */
  async #ensureFresh(): Promise<OAuthTokens> {
    if (this.#creds === undefined) {
      this.#creds = await readCredsFile(this.path, this.#format);
      if (this.#isFresh(this.#creds.tokens)) return this.#creds.tokens;
    } else if (this.#isFresh(this.#creds.tokens)) {
      return this.#creds.tokens;
    }
    return this.#refreshNow(undefined);
  }

  /**
   * Re-reads the file (another process, e.g. the provider's own CLI, may have refreshed already and
   * rotated the refresh token), adopts its tokens if they are newer and fresh, otherwise calls
   * `refresh` and writes the result back.
   */
  /**
   * What a failed refresh rejects with. A GatewayError the refresher already classified as
   * something other than `authentication` (token endpoint 5xx/429, timeout, unreachable) passes
   * through unchanged so the pool treats it as the transient blip it is; a raw transport failure
   * (undici/socket error, timeout) is mapped the same way. Everything else (400/401 answers such as
   * `invalid_grant`, an unusable answer) is `authentication`: the credentials need attention.
   */
  #refreshFailure(error: unknown): GatewayError {
    if (error instanceof GatewayError && error.code !== 'authentication') return error;
    if (!(error instanceof GatewayError) && isTransportError(error)) {
      return mapTransportError(error, undefined, `Token refresh for ${this.#format.name} credentials ${this.path}`);
    }
    return new GatewayError(
      'authentication',
      `Token refresh for ${this.#format.name} credentials ${this.path} failed: ${describe(error)}`,
      { cause: error },
    );
  }

  async #refreshNow(rejectedAccessToken: string | undefined): Promise<OAuthTokens> {
    const onDisk = await readCredsFile(this.path, this.#format);
    const known = this.#creds?.tokens.accessToken;
    const diskToken = onDisk.tokens.accessToken;
    if (
      known !== undefined &&
      diskToken !== known &&
      diskToken !== rejectedAccessToken &&
      this.#isFresh(onDisk.tokens)
    ) {
      this.#creds = onDisk;
      return onDisk.tokens;
    }

    const current = onDisk.tokens;
    let refreshed: RefreshedTokens;
    try {
      refreshed = await this.#refresh({ ...current }, structuredClone(onDisk.json));
      validateRefreshed(refreshed);
    } catch (error) {
      throw this.#refreshFailure(error);
    }
    const tokens: OAuthTokens = {
      accessToken: refreshed.accessToken,
      refreshToken: refreshed.refreshToken ?? current.refreshToken,
      expiresAt: refreshed.expiresAt,
    };
    const json = this.#format.write(onDisk.json, tokens);
    if (refreshed.fileFields) Object.assign(json, refreshed.fileFields);
    this.#creds = { json, tokens };
    try {
      await writeFileAtomic(this.path, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
    } catch (error) {
      this.#onPersistError?.(
        new GatewayError('internal', `Could not write refreshed credentials to ${this.path}: ${describe(error)}`, {
          cause: error,
        }),
      );
    }
    return tokens;
  }
}
