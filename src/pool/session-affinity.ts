/**
 * Remembers which instance served a conversation, so the upstream's per-account prompt cache
 * stays warm. A binding is a preference, never a pin: the pool ignores it when the instance
 * cannot serve and rebinds to whichever instance serves instead (no snapping back later).
 * Bounded LRU: a Map keeps insertion order, and a hit re-inserts the key at the end.
 */
export class SessionAffinity {
  private readonly bindings = new Map<string, { uuid: string; expiresAt: number }>();
  hits = 0;
  misses = 0;

  constructor(
    private ttlMs: number,
    private maxSessions: number,
  ) {}

  /** New limits from an edited config; existing bindings keep their expiry until touched. */
  configure(ttlMs: number, maxSessions: number): void {
    this.ttlMs = ttlMs;
    this.maxSessions = maxSessions;
  }

  lookup(sessionKey: string, now: number): string | undefined {
    const binding = this.bindings.get(sessionKey);
    if (!binding) return undefined;
    if (binding.expiresAt <= now) {
      this.bindings.delete(sessionKey);
      return undefined;
    }
    return binding.uuid;
  }

  bind(sessionKey: string, uuid: string, now: number): void {
    this.bindings.delete(sessionKey);
    this.bindings.set(sessionKey, { uuid, expiresAt: now + this.ttlMs });
    if (this.bindings.size > this.maxSessions) {
      const oldest = this.bindings.keys().next().value;
      if (oldest !== undefined) this.bindings.delete(oldest);
    }
  }

  get size(): number {
    return this.bindings.size;
  }
}
