/** A login that cannot finish (denied, expired, state mismatch, bad answer); its message is for the user. */
export class LoginError extends Error {
  override readonly name = 'LoginError';
}
