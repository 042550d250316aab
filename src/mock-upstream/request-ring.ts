import type { MockRecordedRequest } from './mock-upstream-types.js';

/** The last `capacity` requests (oldest overwritten first) plus per-key counts that are never trimmed. */
export class RequestRing {
  private readonly slots: MockRecordedRequest[] = [];
  private next = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  add(record: MockRecordedRequest): void {
    if (this.slots.length < this.capacity) this.slots.push(record);
    else this.slots[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    const key = record.apiKey ?? '';
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Oldest first, newest last. */
  list(): MockRecordedRequest[] {
    if (this.slots.length < this.capacity) return this.slots.slice();
    return [...this.slots.slice(this.next), ...this.slots.slice(0, this.next)];
  }

  countFor(apiKey: string): number {
    return this.counts.get(apiKey) ?? 0;
  }

  reset(): void {
    this.slots.length = 0;
    this.next = 0;
    this.counts.clear();
  }
}
