/** Token refresh wire shapes (protocols.md §5.6). */

/** Social login (Kiro desktop auth service): `POST {refreshUrl}`. */
export interface KiroSocialRefreshRequest {
  refreshToken: string;
}

export interface KiroSocialRefreshResponse {
  accessToken?: string;
  refreshToken?: string;
  profileArn?: string;
  /** Seconds. */
  expiresIn?: number;
  /** Some variants give an absolute ISO time instead. */
  expiresAt?: string;
}

/** Builder ID / IAM Identity Center: AWS SSO-OIDC `CreateToken` with the refresh_token grant. */
export interface KiroOidcRefreshRequest {
  clientId: string;
  clientSecret: string;
  grantType: 'refresh_token';
  refreshToken: string;
}

export interface KiroOidcRefreshResponse {
  accessToken?: string;
  tokenType?: string;
  expiresIn?: number;
  refreshToken?: string;
}

export interface KiroOidcErrorBody {
  error?: string;
  error_description?: string;
}

/** The flattened `kiro-auth-token.json` (protocols.md §5.7); unknown fields are kept on write. */
export interface KiroCredsJson {
  accessToken?: string;
  refreshToken?: string;
  /** ISO-8601. */
  expiresAt?: string;
  authMethod?: string;
  provider?: string;
  region?: string;
  idcRegion?: string;
  profileArn?: string;
  clientId?: string;
  clientSecret?: string;
  clientIdHash?: string;
  machineId?: string;
}

/** `GET /getUsageLimits` answer, the parts the probe reads [observed]. */
export interface KiroUsageLimitsResponse {
  usageBreakdownList?: Array<{
    resourceType?: string;
    currentUsage?: number;
    usageLimit?: number;
    currentUsageWithPrecision?: number;
    usageLimitWithPrecision?: number;
    nextDateReset?: number | string;
    freeTrialInfo?: { currentUsage?: number; usageLimit?: number; freeTrialStatus?: string };
  }>;
  nextDateReset?: number | string;
}
