/** A configuration problem reported at start (exit code 2) or on reload (last good config kept). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}
