import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CommonModule } from './common.module.js';
import {
  controllerPaths,
  defaultPresenter,
  ErrorPresenter,
  ErrorPresenters,
  NormalizedError,
  PresenterRoutes,
  PresentErrors,
} from './error-presenters.js';

const error = (overrides: Partial<NormalizedError> = {}): NormalizedError => ({
  status: 400,
  code: 'validation_failed',
  message: 'email must be an email',
  details: {},
  headers: {},
  ...overrides,
});

/** A presenter that tags its output, so a test can see which one answered. */
const tagged =
  (tag: string): ErrorPresenter =>
  (e) => ({ status: e.status, body: { tag } });

describe('defaultPresenter', () => {
  it('renders {statusCode, error_code, message} with the same status', () => {
    expect(defaultPresenter(error())).toEqual({
      status: 400,
      body: { statusCode: 400, error_code: 'validation_failed', message: 'email must be an email' },
    });
  });

  it('adds the invalid fields as errors when there are any', () => {
    const fieldErrors = [{ loc: ['body', 'email'], msg: 'email must be an email', type: 'isEmail' }];
    expect(defaultPresenter(error({ fieldErrors })).body).toEqual({
      statusCode: 400,
      error_code: 'validation_failed',
      message: 'email must be an email',
      errors: fieldErrors,
    });
  });

  it('spreads domain details into the body', () => {
    const presented = defaultPresenter(
      error({ code: 'password_policy', message: 'weak', details: { violations: ['digit', 'special'] } }),
    );
    expect(presented.body).toEqual({
      statusCode: 400,
      error_code: 'password_policy',
      message: 'weak',
      violations: ['digit', 'special'],
    });
  });

  it('keeps other statuses as they are and leaves headers to the filter', () => {
    const presented = defaultPresenter(
      error({ status: 429, code: 'too_many_attempts', message: 'slow down', headers: { 'Retry-After': '5' } }),
    );
    expect(presented.status).toBe(429);
    expect(presented.body).toEqual({ statusCode: 429, error_code: 'too_many_attempts', message: 'slow down' });
  });
});

describe('PresenterRoutes', () => {
  let presenters: PresenterRoutes;

  beforeEach(() => {
    presenters = new PresenterRoutes();
  });

  const answer = (path: string) => presenters.forPath(path)(error()).body;

  it('uses the default presenter when no contract owns the path', () => {
    expect(presenters.forPath('/auth/login')).toBe(defaultPresenter);
    presenters.register(['/api/v1'], tagged('v1'));
    expect(presenters.forPath('/auth/login')).toBe(defaultPresenter);
    expect(presenters.forPath('/')).toBe(defaultPresenter);
  });

  it('matches the prefix itself and every path below it', () => {
    presenters.register(['/api/v1'], tagged('v1'));
    expect(answer('/api/v1')).toEqual({ tag: 'v1' });
    expect(answer('/api/v1/')).toEqual({ tag: 'v1' });
    expect(answer('/api/v1/forgot-password')).toEqual({ tag: 'v1' });
    expect(answer('/api/v1/a/b/c')).toEqual({ tag: 'v1' });
  });

  it('matches whole path segments only', () => {
    presenters.register(['/api/v1'], tagged('v1'));
    expect(presenters.forPath('/api/v10')).toBe(defaultPresenter);
    expect(presenters.forPath('/api/v1-beta/reset')).toBe(defaultPresenter);
    expect(presenters.forPath('/api')).toBe(defaultPresenter);
  });

  it('accepts a prefix registered with a trailing slash', () => {
    presenters.register(['/password/'], tagged('pw'));
    expect(answer('/password/reset')).toEqual({ tag: 'pw' });
    expect(presenters.forPath('/passwords/reset')).toBe(defaultPresenter);
  });

  it('ignores letter case in paths and prefixes', () => {
    presenters.register(['/API/Reset'], tagged('reset'));
    expect(answer('/api/reset/request')).toEqual({ tag: 'reset' });
    expect(answer('/API/RESET/REQUEST')).toEqual({ tag: 'reset' });
  });

  it('lets the longest matching prefix win, whatever the registration order', () => {
    presenters.register(['/api'], tagged('api'));
    presenters.register(['/api/v2/auth'], tagged('v2-auth'));
    presenters.register(['/api/v2'], tagged('v2'));
    expect(answer('/api/v2/auth/forgot')).toEqual({ tag: 'v2-auth' });
    expect(answer('/api/v2/users')).toEqual({ tag: 'v2' });
    expect(answer('/api/v3')).toEqual({ tag: 'api' });
  });

  it('registers several prefixes for one contract', () => {
    presenters.register(['/forgot-password', '/reset-password'], tagged('fastapi'));
    expect(answer('/forgot-password')).toEqual({ tag: 'fastapi' });
    expect(answer('/reset-password/confirm')).toEqual({ tag: 'fastapi' });
    expect(presenters.forPath('/login')).toBe(defaultPresenter);
  });

  it('hands the whole normalized error to the contract presenter', () => {
    const seen: NormalizedError[] = [];
    presenters.register(['/x'], (e) => {
      seen.push(e);
      return { status: 422, body: { detail: e.message } };
    });
    const input = error({ fieldErrors: [{ loc: ['body', 'token'], msg: 'required', type: 'isDefined' }] });
    expect(presenters.forPath('/x/y')(input)).toEqual({ status: 422, body: { detail: 'email must be an email' } });
    expect(seen).toEqual([input]);
  });
});

@Injectable()
class SquarePresenter {
  readonly present = tagged('square');
}

@Injectable()
class RoundPresenter {
  readonly present = tagged('round');
}

@PresentErrors(SquarePresenter)
@Controller('api/square')
class SquareController {
  @Get('one')
  one(): void {}
}

/** Without a controller path: the presenter owns each route's path, not the whole site. */
@PresentErrors(RoundPresenter)
@Controller()
class RoundController {
  @Get('shapes/round')
  round(): void {}

  @Get(['round-too', 'ovals/:id/details'])
  others(): void {}
}

@Controller('api/plain')
class PlainController {
  @Get()
  plain(): void {}
}

@Module({ controllers: [SquareController, RoundController, PlainController], providers: [SquarePresenter, RoundPresenter] })
class ShapesModule {}

describe('PresentErrors', () => {
  it('reads the paths a controller owns from its route metadata', () => {
    expect(controllerPaths(SquareController)).toEqual(['/api/square']);
    expect(controllerPaths(RoundController)).toEqual(['/shapes/round', '/round-too', '/ovals']);
  });

  it('registers each marked controller with its module\'s presenter when the application starts', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CommonModule, ShapesModule] }).compile();
    await moduleRef.init();
    const presenters = moduleRef.get(ErrorPresenters);
    const answer = (path: string) => presenters.forPath(path)(error()).body;
    expect(answer('/api/square')).toEqual({ tag: 'square' });
    expect(answer('/api/square/unknown')).toEqual({ tag: 'square' });
    expect(answer('/shapes/round')).toEqual({ tag: 'round' });
    expect(answer('/round-too')).toEqual({ tag: 'round' });
    expect(answer('/ovals/7/details')).toEqual({ tag: 'round' });
    expect(presenters.forPath('/shapes')).toBe(defaultPresenter);
    expect(presenters.forPath('/api/plain')).toBe(defaultPresenter);
    expect(presenters.forPath('/')).toBe(defaultPresenter);
    await moduleRef.close();
  });
});
