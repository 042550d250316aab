export { startMockUpstream } from './start-mock-upstream.js';
export type { MockFault, MockRecordedRequest, MockUpstream, MockUpstreamOptions } from './mock-upstream-types.js';
export { MULTIBYTE_MARKER, MULTIBYTE_REPLY, PROBE_REPLY } from './plan-reply.js';
export { ANTHROPIC_MODEL_IDS, OPENAI_MODEL_IDS } from './mock-models.js';
