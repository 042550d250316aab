/**
 * The Gemini CLI's own OAuth client ("installed application"). Google documents that such a
 * client's secret is not treated as a secret; tokens minted by `gemini` or `poolgate login gemini`
 * can only be refreshed with the same client, so it is the default for both.
 */
export const GEMINI_CLI_CLIENT_ID = '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com';
export const GEMINI_CLI_CLIENT_SECRET = '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';
/** Google's OAuth2 token endpoint (code exchange at login, refresh afterwards). */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
