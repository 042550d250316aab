/** The public OAuth client of the open-source Qwen Code CLI (protocols.md §6.1). */
export const QWEN_OAUTH_CLIENT_ID = 'f0304373b74a44d2b584a3fb70ca9e56';

/** Where Qwen's device-code and token endpoints live (`/api/v1/oauth2/...`). */
export const QWEN_OAUTH_DEFAULT_BASE_URL = 'https://chat.qwen.ai';

export const QWEN_OAUTH_SCOPE = 'openid profile email model.completion';

export const QWEN_DEVICE_CODE_PATH = '/api/v1/oauth2/device/code';
export const QWEN_TOKEN_PATH = '/api/v1/oauth2/token';

export const QWEN_DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Used by qwen-code when the creds file names no `resource_url`. */
export const QWEN_FALLBACK_BASE_URL = 'https://dashscope.aliyuncs.com/compatible-mode/v1';
