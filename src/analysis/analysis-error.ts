export const ANALYSIS_ERROR_CODES = ["EMPTY_SAMPLE", "NO_EXPOSURE", "INVALID_INPUT"] as const;
export type AnalysisErrorCode = (typeof ANALYSIS_ERROR_CODES)[number];

/**
 * Thrown by the pure statistics when the input cannot be analysed at all. Callers turn EMPTY_SAMPLE and NO_EXPOSURE
 * into a "no data" classification and INVALID_INPUT into a bug report; nothing here is worth retrying.
 */
export class AnalysisInputError extends Error {
  override readonly name = "AnalysisInputError";
  readonly code: AnalysisErrorCode;

  constructor(code: AnalysisErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
