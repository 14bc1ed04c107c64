// What a request to the helper can fail with: the helper's own refusals (its error codes) and
// what the host saw of the connection.
export type HelperErrorCode =
  | 'too-long'
  | 'not-json'
  | 'invalid'
  | 'unknown-type'
  | 'failed'
  /** The helper's reply broke the protocol. */
  | 'protocol'
  /** No reply in time. */
  | 'timeout'
  /** The helper exited or the connection closed. */
  | 'exited'
  /** dispose() was called. */
  | 'disposed'
  /** The connect-back hello carried a wrong token, or another protocol version. */
  | 'auth';

export class HelperError extends Error {
  constructor(
    readonly code: HelperErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HelperError';
  }
}
