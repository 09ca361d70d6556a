import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOAuth2, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ServiceScope } from '../tokens/scopes.js';
import { ApiErrors, BODY_ERRORS, DEFAULT_ERROR_SHAPE, ErrorCase, fieldError, SERVICE_ERRORS } from '../common/swagger.js';
import { SERVICE_TOKEN_SCHEME } from '../oauth/oauth.openapi.js';
import { RequireScopes } from '../oauth/service-token.guard.js';
import { AdminAccountsService } from './admin-accounts.service.js';
import { ADMIN_TAG } from './admin.tag.js';
import {
  AdminAccountDto,
  AdminAccountPageDto,
  AdminAccountsQueryDto,
  AdminCreateAccountDto,
  AdminNewEmailDto,
  AdminUpdateAccountDto,
} from './dto/admin-accounts.dto.js';

const NOT_FOUND: ErrorCase = { status: 404, code: 'account_not_found', message: 'No account has this id' };
const USERNAME_TAKEN: ErrorCase = { status: 409, code: 'username_taken', message: 'An account with this username already exists' };
const EMAIL_TAKEN: ErrorCase = { status: 409, code: 'email_taken', message: 'An account with this email address already exists' };

const challenge = (scope: ServiceScope) => ({
  401: { 'WWW-Authenticate': { description: '`Bearer error="invalid_token"`', schema: { type: 'string' }, required: true } },
  403: { 'WWW-Authenticate': { description: `\`Bearer error="insufficient_scope", scope="${scope}"\``, schema: { type: 'string' }, required: true } },
});

/** A service route with `scope`: its security requirement, the guard, and its errors in the service's shape. */
function AdminRoute(scope: ServiceScope, cases: ErrorCase[]) {
  return (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
    for (const decorate of [
      RequireScopes(scope),
      ApiOAuth2([scope], SERVICE_TOKEN_SCHEME),
      ApiErrors(
        DEFAULT_ERROR_SHAPE,
        [
          ...cases,
          { status: 401, code: 'invalid_token', message: 'A valid service access token is required' },
          { status: 403, code: 'insufficient_scope', message: `This route needs the scope ${scope}` },
          ...SERVICE_ERRORS,
        ],
        challenge(scope),
      ),
    ]) {
      decorate(target, key, descriptor);
    }
  };
}

const ID = ApiParam({ name: 'id', format: 'uuid', example: '0b9f7c9e-2a51-4cf2-9d53-3f3f3e1b6a10' });

/** `/admin/accounts`: accounts managed by other services. The rules are AdminAccountsService's. */
@ApiTags(ADMIN_TAG)
@Controller('admin/accounts')
export class AdminAccountsController {
  constructor(private readonly accounts: AdminAccountsService) {}

  @Post()
  @ApiOperation({
    operationId: 'adminCreateAccount',
    summary: 'Create an account',
    description: 'With `password` (the password policy applies) the account can log in at once; without one its addresses get a "set your password" email (a link and a code, valid like a reset). Records `account.created` and `email.added`.',
  })
  @ApiCreatedResponse({ type: AdminAccountDto })
  @AdminRoute('accounts:write', [
    fieldError('username', 'username is required', 'isDefined'),
    { status: 400, code: 'password_policy', message: 'The password does not meet the requirements', violations: ['uppercase', 'digit', 'special', 'common'] },
    USERNAME_TAKEN,
    EMAIL_TAKEN,
    ...BODY_ERRORS,
  ])
  create(@Body() body: AdminCreateAccountDto): Promise<AdminAccountDto> {
    return this.accounts.create(body);
  }

  @Get()
  @ApiOperation({
    operationId: 'adminListAccounts',
    summary: 'List accounts, a page at a time',
    description: 'In a stable order; `next_cursor` (null on the last page) fetches the next page. `username` and `email` filter by prefix, case-insensitively.',
  })
  @ApiOkResponse({ type: AdminAccountPageDto })
  @AdminRoute('accounts:read', [fieldError('limit', 'limit must be at most 100', 'max'), { status: 400, code: 'invalid_cursor', message: 'The cursor is not one this service answered' }])
  list(@Query() query: AdminAccountsQueryDto): Promise<AdminAccountPageDto> {
    return this.accounts.list(query);
  }

  @Get(':id')
  @ID
  @ApiOperation({ operationId: 'adminGetAccount', summary: 'One account', description: 'Its username, addresses (the primary one first), whether it is disabled, and when it was created.' })
  @ApiOkResponse({ type: AdminAccountDto })
  @AdminRoute('accounts:read', [NOT_FOUND])
  get(@Param('id') id: string): Promise<AdminAccountDto> {
    return this.accounts.get(id);
  }

  @Patch(':id')
  @ID
  @ApiOperation({
    operationId: 'adminUpdateAccount',
    summary: 'Rename, disable or enable an account',
    description: 'A disabled account cannot log in (the 401 of a wrong password), gets no reset email (answered as an unknown account), and its sessions, refresh and access tokens end at once. Records `account.updated`, `account.disabled` and `sessions.revoked`.',
  })
  @ApiOkResponse({ type: AdminAccountDto })
  @AdminRoute('accounts:write', [fieldError('disabled', 'disabled must be a boolean', 'isBoolean'), NOT_FOUND, USERNAME_TAKEN, ...BODY_ERRORS])
  update(@Param('id') id: string, @Body() body: AdminUpdateAccountDto): Promise<AdminAccountDto> {
    return this.accounts.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ID
  @ApiOperation({
    operationId: 'adminDeleteAccount',
    summary: 'Erase an account',
    description: 'The account, its addresses, sessions, reset requests and every mail to its addresses, queued or sent. Records `account.deleted`.',
  })
  @ApiNoContentResponse({ description: 'Erased' })
  @AdminRoute('accounts:write', [NOT_FOUND, ...BODY_ERRORS])
  async delete(@Param('id') id: string): Promise<void> {
    await this.accounts.delete(id);
  }

  @Post(':id/emails')
  @ID
  @ApiOperation({ operationId: 'adminAddEmail', summary: 'Link an address to an account', description: 'The first address of an account is its primary one. Records `email.added`.' })
  @ApiCreatedResponse({ type: AdminAccountDto })
  @AdminRoute('accounts:write', [fieldError('email', 'email must be an email', 'isEmail'), NOT_FOUND, EMAIL_TAKEN, ...BODY_ERRORS])
  addEmail(@Param('id') id: string, @Body() body: AdminNewEmailDto): Promise<AdminAccountDto> {
    return this.accounts.addEmail(id, body);
  }

  @Delete(':id/emails/:email')
  @HttpCode(204)
  @ID
  @ApiParam({ name: 'email', example: 'ada@example.com' })
  @ApiOperation({ operationId: 'adminRemoveEmail', summary: 'Unlink an address from an account', description: 'Unlinking the primary address makes the oldest remaining one primary.' })
  @ApiNoContentResponse({ description: 'Unlinked' })
  @AdminRoute('accounts:write', [NOT_FOUND, { status: 404, code: 'email_not_found', message: 'The account has no such email address' }, ...BODY_ERRORS])
  async removeEmail(@Param('id') id: string, @Param('email') email: string): Promise<void> {
    await this.accounts.removeEmail(id, email);
  }

  @Post(':id/password-reset')
  @HttpCode(202)
  @ID
  @ApiOperation({
    operationId: 'adminRequestPasswordReset',
    summary: 'Send the account a reset email',
    description: 'Through the reset core, exactly as a public request for its username: the same email, budgets and rules (a disabled account, or one without an address, gets none).',
  })
  @ApiAcceptedResponse({ description: 'The reset email is queued' })
  @AdminRoute('accounts:write', [
    NOT_FOUND,
    { status: 404, code: 'unknown_account', message: 'No account matches' },
    { status: 400, code: 'no_email_addresses', message: 'There are no email addresses for this account' },
    ...BODY_ERRORS,
  ])
  async requestPasswordReset(@Param('id') id: string): Promise<void> {
    await this.accounts.requestPasswordReset(id);
  }

  @Post(':id/sessions/revoke')
  @HttpCode(204)
  @ID
  @ApiOperation({ operationId: 'adminRevokeSessions', summary: 'End every session of an account', description: 'Its refresh and access tokens stop working here at once. Records `sessions.revoked`.' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @AdminRoute('accounts:write', [NOT_FOUND, ...BODY_ERRORS])
  async revokeSessions(@Param('id') id: string): Promise<void> {
    await this.accounts.revokeSessions(id);
  }
}
