import { z } from 'zod';

const timestamp = z.union([z.string(), z.number(), z.null()]);

/**
 * The fields poolgate itself reads on every instance, whatever its provider type. All optional:
 * the seed's files carry only some of them. Provider credentials are validated by the adapter;
 * unknown fields pass through untouched.
 */
export const instanceFieldsSchema = z
  .object({
    uuid: z.string().min(1, 'expected a non-empty string').optional(),
    checkModelName: z.string().min(1).nullable().optional(),
    isHealthy: z.boolean().optional(),
    lastUsed: timestamp.optional(),
    usageCount: z.number().int().nonnegative().optional(),
    errorCount: z.number().int().nonnegative().optional(),
    lastErrorTime: timestamp.optional(),
    lastErrorMessage: z.string().nullable().optional(),
    customName: z.string().nullable().optional(),
    isDisabled: z.boolean().optional(),
    weight: z.number().positive().optional(),
    priority: z.number().int().optional(),
    supportedModels: z.array(z.string().min(1)).optional(),
    notSupportedModels: z.array(z.string().min(1)).optional(),
    concurrencyLimit: z.number().int().nonnegative().nullable().optional(),
    cooldownUntil: timestamp.optional(),
    cooldownReason: z.string().nullable().optional(),
  })
  .passthrough();

/** Fields poolgate writes back; every other field belongs to the user and is never changed. */
export const STAT_FIELDS = [
  'isHealthy',
  'lastUsed',
  'usageCount',
  'errorCount',
  'lastErrorTime',
  'lastErrorMessage',
  'cooldownUntil',
  'cooldownReason',
] as const;
export type StatField = (typeof STAT_FIELDS)[number];
