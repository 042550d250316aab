import { instanceFieldsSchema } from '../config/instance-fields.js';
import type { InstanceRecord } from '../config/instance-record.js';

const MASK = '…';
/** Values shorter than this show nothing at all: four characters of a short key are too many. */
const MIN_SHOWN_LENGTH = 12;
/** Fields every instance has (stats, weights, names): everything else on a record is the provider's and treated as secret. */
const POOLGATE_FIELDS: ReadonlySet<string> = new Set(Object.keys(instanceFieldsSchema.shape));

/**
 * A secret as it may be shown: its conventional prefix and last four characters (`sk-…9f3c`),
 * a URL as its origin only (user info, path and query can carry keys), anything short or not a
 * string as just `…`.
 */
export function maskSecret(value: unknown): string {
  if (typeof value !== 'string' || value.length < MIN_SHOWN_LENGTH) return MASK;
  if (/^https?:\/\//i.test(value)) {
    try {
      return `${new URL(value).origin}/${MASK}`;
    } catch {
      return MASK;
    }
  }
  const prefix = /^[A-Za-z]{1,4}[-_]/.exec(value)?.[0] ?? '';
  return `${prefix}${MASK}${value.slice(-4)}`;
}

/** The provider fields of an instance (keys, URLs, creds paths, project ids), every value masked. */
export function maskedCredentials(record: InstanceRecord): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [field, value] of Object.entries(record)) {
    if (!POOLGATE_FIELDS.has(field) && value !== undefined && value !== null) masked[field] = maskSecret(value);
  }
  return masked;
}

/**
 * Replaces every credential value of the record that occurs in `text` (an upstream error message
 * may echo a key) with its masked form.
 */
export function redactCredentials(text: string, record: InstanceRecord): string {
  let redacted = text;
  for (const [field, value] of Object.entries(record)) {
    if (POOLGATE_FIELDS.has(field) || typeof value !== 'string' || value.length < 6) continue;
    if (redacted.includes(value)) redacted = redacted.split(value).join(maskSecret(value));
  }
  return redacted;
}
