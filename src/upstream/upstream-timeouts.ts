export interface UpstreamTimeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** From request sent to response headers (time to first byte). */
  firstByteMs: number;
  /** Longest silence allowed between two body chunks. */
  betweenChunksMs: number;
}
