import { GatewayError } from '../../canonical/index.js';
import type {
  CodeAssistClientMetadata,
  CodeAssistLoadRequest,
  CodeAssistLoadResponse,
  CodeAssistOnboardRequest,
  CodeAssistOperation,
  CodeAssistTier,
} from '../../wire/code-assist/index.js';
import { readJsonBody } from '../read-json-body.js';
import type { CodeAssistClient } from './code-assist-client.js';

export interface DiscoverProjectOptions {
  signal: AbortSignal;
  /** Waits between polls of the onboarding operation; resolves early never, rejects on abort. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Delay before each poll; the length bounds the number of polls. */
  pollDelaysMs: readonly number[];
}

/** gemini-cli polls every 5 s; the first polls come sooner because onboarding is often quick. */
export const DEFAULT_ONBOARD_POLL_DELAYS_MS: readonly number[] = [500, 1_000, 2_000, ...Array<number>(23).fill(5_000)];

const METADATA: CodeAssistClientMetadata = { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' };
const FREE_TIER = 'free-tier';
const LEGACY_TIER = 'legacy-tier';

function needsProjectId(tier: string): GatewayError {
  return new GatewayError(
    'permission',
    `Code Assist tier "${tier}" needs a Google Cloud project of the account's own: set PROJECT_ID on this instance`,
  );
}

/** A JSON answer that must be an object; null, arrays and scalars are `bad_upstream_response`. */
function objectAnswer(value: unknown, what: string): object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError('bad_upstream_response', `Code Assist ${what} answered ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object`);
  }
  return value;
}

function projectOf(operation: CodeAssistOperation): string | undefined {
  const id = operation.response?.cloudaicompanionProject?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Finds the cloudaicompanion project of an account without a configured PROJECT_ID
 * (protocols.md §4.5): `loadCodeAssist`; an onboarded account names its project there. Otherwise
 * onboard onto the default allowed tier (the free tier must not name a project) and poll the
 * long-running operation (`GET /v1internal/{name}`, or by re-POSTing onboardUser when the
 * operation has no name) until it is done, at most `pollDelaysMs.length` times.
 */
export async function discoverCodeAssistProject(client: CodeAssistClient, options: DiscoverProjectOptions): Promise<string> {
  const { signal } = options;
  const loadBody: CodeAssistLoadRequest = { metadata: METADATA };
  const loaded = objectAnswer(await readJsonBody(await client.call({ method: 'POST', path: ':loadCodeAssist', body: loadBody, signal }), signal), 'loadCodeAssist') as CodeAssistLoadResponse;

  if (loaded.currentTier) {
    if (typeof loaded.cloudaicompanionProject === 'string' && loaded.cloudaicompanionProject !== '') return loaded.cloudaicompanionProject;
    throw needsProjectId(loaded.paidTier?.id ?? loaded.currentTier.id);
  }

  const tier: CodeAssistTier = loaded.allowedTiers?.find((candidate) => candidate.isDefault) ?? { id: LEGACY_TIER, userDefinedCloudaicompanionProject: true };
  if (tier.id !== FREE_TIER && tier.userDefinedCloudaicompanionProject) {
    const ineligible = loaded.ineligibleTiers?.map((entry) => entry.reasonMessage ?? entry.reasonCode).join('; ');
    if (ineligible) throw new GatewayError('permission', `Code Assist onboarding impossible: ${ineligible}`);
    throw needsProjectId(tier.id);
  }
  const onboardBody: CodeAssistOnboardRequest = { tierId: tier.id, metadata: METADATA };
  const onboard = async (): Promise<CodeAssistOperation> =>
    objectAnswer(await readJsonBody(await client.call({ method: 'POST', path: ':onboardUser', body: onboardBody, signal }), signal), 'onboardUser') as CodeAssistOperation;

  let operation = await onboard();
  for (let poll = 0; !operation.done; poll++) {
    const delay = options.pollDelaysMs[poll];
    if (delay === undefined) throw new GatewayError('upstream_timeout', `Code Assist onboarding did not finish after ${poll} polls`);
    await options.sleep(delay, signal);
    operation =
      typeof operation.name === 'string' && operation.name !== ''
        ? (objectAnswer(await readJsonBody(await client.call({ method: 'GET', path: `/${operation.name.replace(/^\/+/, '')}`, signal }), signal), 'operation poll') as CodeAssistOperation)
        : await onboard();
  }
  if (operation.error) throw new GatewayError('upstream_error', `Code Assist onboarding failed: ${operation.error.message ?? operation.error.status ?? 'unknown error'}`);
  const project = projectOf(operation);
  if (project === undefined) throw needsProjectId(tier.id);
  return project;
}

/** A timer-based sleep that rejects when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
