import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AuthForgotPasswordDto } from '../contracts/auth-resetpassword/dto/auth-resetpassword.dto.js';
import { ResetRequestDto } from '../contracts/token-link/dto/token-link.dto.js';
import { CheckCodeDto, ResetPasswordDto, SendEmailDto } from '../contracts/username-code/dto/username-code.dto.js';

async function parse<T extends object>(type: new () => T, body: object): Promise<{ value: T; messages: string[] }> {
  const value = plainToInstance(type, body);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true });
  return { value, messages: errors.flatMap((e) => Object.values(e.constraints ?? {})) };
}

describe('SixDigitCode', () => {
  it('reads a JSON number as the code with its leading zeros (29925 is 029925)', async () => {
    const { value, messages } = await parse(CheckCodeDto, { username: 'st.huber', code: 29925 });
    expect(messages).toEqual([]);
    expect(value.code).toBe('029925');
    expect((await parse(ResetPasswordDto, { username: 'a', code: 7, new_password: 'x' })).value.code).toBe('000007');
    expect((await parse(CheckCodeDto, { username: 'a', code: 482901 })).value.code).toBe('482901');
  });

  it('says "code must be 6 digits" for anything else', async () => {
    for (const code of ['12345', '1234567', '12a456', 1_000_000, -1, 1.5, true, ' 123456']) {
      expect([code, (await parse(CheckCodeDto, { username: 'a', code })).messages]).toEqual([code, ['code must be 6 digits']]);
    }
  });
});

describe('LocaleField', () => {
  it.each([
    [SendEmailDto, { username: 'a' }],
    [AuthForgotPasswordDto, { email: 'a@example.com' }],
    [ResetRequestDto, { email: 'a@example.com' }],
  ])('%p keeps a supported locale and drops any other value (falls back, never refused)', async (type, base) => {
    const cases: [unknown, string | undefined][] = [['de', 'de'], ['DE-at', 'de'], ['en_GB', 'en'], ['fr', 'fr'], ['pl-PL', 'pl'], ['ja', undefined], ['', undefined], [42, undefined], [{}, undefined]];
    for (const [locale, expected] of cases) {
      const { value, messages } = await parse(type as new () => object, { ...base, locale });
      expect([locale, messages, (value as { locale?: string }).locale]).toEqual([locale, [], expected]);
    }
  });
});
