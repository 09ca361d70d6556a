import { isDatabaseUnavailable } from './pg.js';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['08006', 'connection failure'],
    ['57P01', 'terminating connection due to administrator command'],
    ['53300', 'sorry, too many clients already'],
    ['3D000', 'database "reset" does not exist'],
    ['55000', 'database "reset" is not currently accepting connections'],
  ])('counts SQLSTATE %s (%s) as the database being unavailable', (code, message) => {
    expect(isDatabaseUnavailable(pgError(code, message))).toBe(true);
    // The same through TypeORM's QueryFailedError, which keeps the driver error.
    expect(isDatabaseUnavailable(Object.assign(new Error(message), { driverError: { code } }))).toBe(true);
  });

  it('counts a transaction whose connection died (TypeORM released its query runner)', async () => {
    const { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } = await import('typeorm');
    expect(isDatabaseUnavailable(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isDatabaseUnavailable(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
  });

  it('does not count other errors, including other 55000 states', () => {
    expect(isDatabaseUnavailable(pgError('55000', 'currval of sequence "s" is not yet defined in this session'))).toBe(false);
    expect(isDatabaseUnavailable(pgError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
  });
});
