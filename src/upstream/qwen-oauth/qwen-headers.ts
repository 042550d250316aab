/** The Qwen Code version we present as; DashScope keys its OAuth treatment off these headers. */
export const QWEN_CODE_VERSION = '0.0.14';

/** Headers qwen-code's DashScope provider sends on every chat request (protocols.md §6.4). */
export function qwenRequestHeaders(platform: string = process.platform, arch: string = process.arch, version = QWEN_CODE_VERSION): Record<string, string> {
  const userAgent = `QwenCode/${version} (${platform}; ${arch})`;
  return {
    'user-agent': userAgent,
    'x-dashscope-useragent': userAgent,
    'x-dashscope-authtype': 'qwen-oauth',
    'x-dashscope-cachecontrol': 'enable',
  };
}
