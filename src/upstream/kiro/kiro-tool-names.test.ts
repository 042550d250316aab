import { describe, expect, it } from 'vitest';
import { KIRO_TOOL_NAME_MAX, kiroToolName, kiroToolNameMap } from './kiro-tool-names.js';
import { DEFAULT_KIRO_MODEL_MAP, kiroModelId, parseKiroModelMap } from './kiro-model-map.js';
import { InstanceConfigError } from '../../config/instance-record.js';

describe('kiroToolName', () => {
  it('keeps valid short names and shortens long or odd ones deterministically and distinctly', () => {
    expect(kiroToolName('get_weather')).toBe('get_weather');
    const a = kiroToolName(`${'a'.repeat(70)}_one`);
    const b = kiroToolName(`${'a'.repeat(70)}_two`);
    expect(a).toHaveLength(KIRO_TOOL_NAME_MAX);
    expect(a).not.toBe(b);
    expect(kiroToolName(`${'a'.repeat(70)}_one`)).toBe(a);
    expect(kiroToolName('mcp.server:tool')).toMatch(/^mcp_server_tool_[0-9a-f]{8}$/);
    expect(kiroToolNameMap(['get_weather', 'mcp.server:tool'])).toEqual(new Map([[kiroToolName('mcp.server:tool'), 'mcp.server:tool']]));
  });
});

describe('Kiro model map', () => {
  it('maps Claude names, dated names and passes unknown ids through', () => {
    expect(kiroModelId('claude-sonnet-4-5-20250929', DEFAULT_KIRO_MODEL_MAP)).toBe('claude-sonnet-4.5');
    expect(kiroModelId('claude-opus-4-6-20260101', DEFAULT_KIRO_MODEL_MAP)).toBe('claude-opus-4.6');
    expect(kiroModelId('claude-sonnet-4.5', DEFAULT_KIRO_MODEL_MAP)).toBe('claude-sonnet-4.5');
  });

  it('KIRO_MODEL_MAP overrides and extends; bad values name the field', () => {
    const map = parseKiroModelMap({ 'claude-sonnet-4-5': 'CLAUDE_SONNET_4_5_20250929_V1_0', mine: 'claude-haiku-4.5' });
    expect(kiroModelId('claude-sonnet-4-5', map)).toBe('CLAUDE_SONNET_4_5_20250929_V1_0');
    expect(kiroModelId('mine', map)).toBe('claude-haiku-4.5');
    expect(kiroModelId('claude-haiku-4-5', map)).toBe('claude-haiku-4.5');
    expect(() => parseKiroModelMap(['x'])).toThrow(InstanceConfigError);
    expect(() => parseKiroModelMap({ a: '' })).toThrow(expect.objectContaining({ field: 'KIRO_MODEL_MAP' }));
  });
});
