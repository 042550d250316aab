/** The three token fields a gateway needs out of an OAuth creds file. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds; `0` when the file records no expiry (treated as already expired). */
  expiresAt: number;
}

/** A creds file's JSON object. Every field a format does not know about is carried through. */
export type CredsJson = Record<string, unknown>;

/**
 * Maps one provider's creds file field names onto {@link OAuthTokens} and back. `read` throws an
 * `Error` describing the problem when the JSON lacks usable tokens; `write` returns a new object
 * that keeps every other field (and the original key order) of `json`.
 */
export interface CredsFileFormat {
  readonly name: string;
  read(json: CredsJson): OAuthTokens;
  write(json: CredsJson, tokens: OAuthTokens): CredsJson;
}

function requireString(json: CredsJson, field: string): string {
  const value = json[field];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`field "${field}" must be a non-empty string`);
  }
  return value;
}

function readEpochMs(json: CredsJson, field: string): number {
  const value = json[field];
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new Error(`field "${field}" must be epoch milliseconds`);
}

function readIsoTime(json: CredsJson, field: string): number {
  const value = json[field];
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  // Tolerate an epoch-ms number written by other tools.
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new Error(`field "${field}" must be an ISO-8601 timestamp`);
}

/** Snake-case google-auth-library style: `access_token`, `refresh_token`, `expiry_date` (epoch ms). */
function snakeCaseFormat(name: string): CredsFileFormat {
  return {
    name,
    read(json) {
      return {
        accessToken: requireString(json, 'access_token'),
        refreshToken: requireString(json, 'refresh_token'),
        expiresAt: readEpochMs(json, 'expiry_date'),
      };
    },
    write(json, tokens) {
      return {
        ...json,
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken,
        expiry_date: tokens.expiresAt,
      };
    },
  };
}

/** `~/.gemini/oauth_creds.json` (protocols.md §4.8). */
export const googleCredsFormat: CredsFileFormat = snakeCaseFormat('google');

/** `~/.qwen/oauth_creds.json` (protocols.md §6.3). */
export const qwenCredsFormat: CredsFileFormat = snakeCaseFormat('qwen');

/** `kiro-auth-token.json` (protocols.md §5.7): camelCase, `expiresAt` is an ISO-8601 string. */
export const kiroCredsFormat: CredsFileFormat = {
  name: 'kiro',
  read(json) {
    return {
      accessToken: requireString(json, 'accessToken'),
      refreshToken: requireString(json, 'refreshToken'),
      expiresAt: readIsoTime(json, 'expiresAt'),
    };
  },
  write(json, tokens) {
    return {
      ...json,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: new Date(tokens.expiresAt).toISOString(),
    };
  },
};
