import type { ProviderAdapter } from './provider-adapter.js';
import { claudeCustomAdapter } from './claude-custom/claude-custom-adapter.js';
import { geminiCliOAuthAdapter } from './gemini-cli-oauth/gemini-cli-oauth-adapter.js';
import { openAICustomAdapter } from './openai-custom/openai-custom-adapter.js';
import { kiroAdapter } from './kiro/kiro-adapter.js';
import { qwenOAuthAdapter } from './qwen-oauth/qwen-oauth-adapter.js';

/** Every provider type poolgate serves. A new provider is a folder under upstream/ and one line here. */
export function builtInAdapters(): ProviderAdapter[] {
  return [openAICustomAdapter, claudeCustomAdapter, qwenOAuthAdapter, geminiCliOAuthAdapter, kiroAdapter];
}

export class ProviderRegistry {
  private readonly byType = new Map<string, ProviderAdapter>();

  constructor(adapters: readonly ProviderAdapter[]) {
    for (const adapter of adapters) this.byType.set(adapter.type, adapter);
  }

  get(type: string): ProviderAdapter | undefined {
    return this.byType.get(type);
  }

  get types(): string[] {
    return [...this.byType.keys()];
  }
}
