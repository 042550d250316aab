/** A 403 (or 401) message saying the bearer token is bad: a refresh can cure it. */
export const TOKEN_PROBLEM = /bearer token|security token|(access|auth\w*)?\s*token.{0,40}(invalid|expired)|(invalid|expired).{0,20}token|unauthori[sz]ed|not authenticated/i;
/** Account problems a refresh cannot cure (suspended, not entitled). */
export const ACCOUNT_PROBLEM = /suspend|disabled|banned|not (authori[sz]ed|entitled|allowed) to (use|access)|subscription/i;

/** Whether a 403's message blames the token (refresh may help) rather than the account or model. */
export function isTokenProblem(message: string): boolean {
  return TOKEN_PROBLEM.test(message) && !ACCOUNT_PROBLEM.test(message);
}
