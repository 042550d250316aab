import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  /** 43 base64url characters (32 random bytes), kept secret until the token exchange. */
  verifier: string;
  /** base64url(sha256(verifier)), sent with the authorization request. */
  challenge: string;
  method: 'S256';
}

/** RFC 7636 S256 challenge of a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function createPkce(random: (size: number) => Buffer = randomBytes): Pkce {
  const verifier = random(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

/** An unguessable OAuth `state` value. */
export function createState(random: (size: number) => Buffer = randomBytes): string {
  return random(24).toString('base64url');
}
