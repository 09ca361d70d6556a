import { Injectable } from '@nestjs/common';
import { ContractErrorPresenter, defaultPresenter, ErrorPresenter } from '../../common/error-presenters.js';

/** The auth-resetpassword contract's wording on the service default body `{statusCode, error_code, message}`. */
const MESSAGES: Record<string, string> = {
  unknown_account: 'No account with this email address',
  password_mismatch: 'confirm_password does not match new_password',
  code_expired: 'The code has expired; request a new one',
};

export const authResetPasswordPresenter: ErrorPresenter = (e) =>
  defaultPresenter({ ...e, message: MESSAGES[e.code] ?? e.message });

@Injectable()
export class AuthResetPasswordErrorPresenter implements ContractErrorPresenter {
  readonly present = authResetPasswordPresenter;
}
