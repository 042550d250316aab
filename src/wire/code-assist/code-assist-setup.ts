/** Client metadata sent with loadCodeAssist / onboardUser (protocols.md §4.5). */
export interface CodeAssistClientMetadata {
  ideType: 'IDE_UNSPECIFIED' | (string & {});
  platform: 'PLATFORM_UNSPECIFIED' | (string & {});
  pluginType: 'GEMINI' | (string & {});
  duetProject?: string;
}

/** `POST /v1internal:loadCodeAssist` body. */
export interface CodeAssistLoadRequest {
  cloudaicompanionProject?: string;
  metadata: CodeAssistClientMetadata;
  mode?: 'MODE_UNSPECIFIED' | 'FULL_ELIGIBILITY_CHECK' | 'HEALTH_CHECK';
}

export interface CodeAssistTier {
  id: string;
  name?: string;
  description?: string;
  isDefault?: boolean;
  /** The tier needs a project of the user's own (no managed free-tier project). */
  userDefinedCloudaicompanionProject?: boolean;
  hasOnboardedPreviously?: boolean;
  [field: string]: unknown;
}

export interface CodeAssistIneligibleTier {
  reasonCode: string;
  reasonMessage?: string;
  tierId?: string;
  validationUrl?: string;
  [field: string]: unknown;
}

export interface CodeAssistLoadResponse {
  /** Present once the user is onboarded. */
  currentTier?: CodeAssistTier;
  allowedTiers?: CodeAssistTier[];
  ineligibleTiers?: CodeAssistIneligibleTier[];
  cloudaicompanionProject?: string;
  paidTier?: CodeAssistTier;
  [field: string]: unknown;
}

/** `POST /v1internal:onboardUser` body; a free tier must omit `cloudaicompanionProject`. */
export interface CodeAssistOnboardRequest {
  tierId: string;
  cloudaicompanionProject?: string;
  metadata: CodeAssistClientMetadata;
}

/** The long-running operation onboardUser returns; polled at `GET /v1internal/{name}`. */
export interface CodeAssistOperation {
  name?: string;
  done?: boolean;
  response?: { cloudaicompanionProject?: { id?: string; name?: string } };
  error?: { code?: number; message?: string; status?: string };
  [field: string]: unknown;
}
