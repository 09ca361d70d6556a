/** The former name of ResetCodeRepository, which the reset pages look up. */
export { ResetCodeRepository as ResetRequests } from './reset-code.repository.js';
