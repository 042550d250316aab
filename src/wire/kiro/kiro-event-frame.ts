/**
 * One decoded message of the Kiro (AWS CodeWhisperer) binary event stream (protocols.md §5.3–5.4).
 *
 * - `messageType` is the `:message-type` header: `event`, `exception` or `error`.
 * - `eventType` is the `:event-type` header for events (e.g. `assistantResponseEvent`); for
 *   `exception` messages it is the `:exception-type` header (e.g. `ThrottlingException`), for
 *   `error` messages the `:error-code` header; `''` when the message carries none of them.
 * - `payload` is the JSON-parsed message body; `null` for an empty body, except that an `error`
 *   message with an empty body gets `{ message: <:error-message header> }`.
 */
export interface KiroEventFrame {
  eventType: string;
  messageType: string;
  payload: unknown;
}
