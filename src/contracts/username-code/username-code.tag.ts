import type { TagObject } from '@nestjs/swagger';

export const USERNAME_CODE_TAG = 'username-code: username and 6-digit code';

export const USERNAME_CODE_TAG_OBJECT: TagObject = {
  name: USERNAME_CODE_TAG,
  description: [
    'For clients that know the account by its username (apps without email login); errors are `{msg, error_code}`.',
    '',
    '`sendEmail` with the username emails a 6-digit code to every address of the account; `checkCode` checks it without using it (wrong codes count toward the tries); `resetPassword` with the code and the new password sets it and uses the code up.',
  ].join('\n'),
};
