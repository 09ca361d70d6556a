import { Injectable, OnModuleInit, SetMetadata, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { FieldError } from './api-error.js';

/** Any failure, reduced to what a contract needs to render it. */
export interface NormalizedError {
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
  headers: Record<string, string>;
  fieldErrors?: FieldError[];
}

export interface PresentedError {
  status: number;
  body: unknown;
  /** Headers the contract adds to the error's own (e.g. FastAPI's WWW-Authenticate on a 401 login). */
  headers?: Record<string, string>;
}

export type ErrorPresenter = (error: NormalizedError) => PresentedError;

/** A contract's error rendering as a provider of its module (so it can be configured, e.g. by the password policy). */
export interface ContractErrorPresenter {
  readonly present: ErrorPresenter;
}

/** The service default: `{statusCode, error_code, message, ...details}`. */
export const defaultPresenter: ErrorPresenter = (e) => ({
  status: e.status,
  body: {
    statusCode: e.status,
    error_code: e.code,
    message: e.message,
    ...(e.fieldErrors ? { errors: e.fieldErrors } : {}),
    ...e.details,
  },
});

const PRESENT_ERRORS = Symbol('presentErrors');

/**
 * Every error under this controller's paths (validation, body parsing, 404, 429, domain errors)
 * is rendered by `presenter`, a provider of the controller's module. The paths are the
 * controller's own: its `@Controller()` path, or, for a controller without one, each route's.
 */
export const PresentErrors = (presenter: Type<ContractErrorPresenter>): ClassDecorator => SetMetadata(PRESENT_ERRORS, presenter);

const pathsOf = (target: object): string[] => {
  const paths = (Reflect.getMetadata(PATH_METADATA, target) ?? []) as string | string[];
  return (Array.isArray(paths) ? paths : [paths]).map((p) => `/${p}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1'));
};

/** The path prefixes a controller owns: its own path, or each route's when it has none (see PresentErrors). */
export function controllerPaths(controller: Type<unknown>): string[] {
  const own = pathsOf(controller).filter((p) => p !== '/');
  if (own.length > 0) return own;
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .map((name) => Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown)
    .filter((member): member is object => typeof member === 'function' && Reflect.hasMetadata(PATH_METADATA, member))
    .flatMap(pathsOf)
    // A route's path up to its first parameter: `/sessions/:id` owns `/sessions`.
    .map((p) => p.split('/:')[0] || '/')
    .filter((p) => p !== '/');
}

/** Path prefixes and the presenter of each; the longest matching prefix wins. */
export class PresenterRoutes {
  private readonly routes: { prefix: string; presenter: ErrorPresenter }[] = [];

  register(prefixes: string[], presenter: ErrorPresenter): void {
    for (const prefix of prefixes) this.routes.push({ prefix: prefix.toLowerCase(), presenter });
    this.routes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  forPath(path: string): ErrorPresenter {
    const lower = path.toLowerCase();
    const match = this.routes.find(
      ({ prefix }) => lower === prefix || lower.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`),
    );
    return match?.presenter ?? defaultPresenter;
  }
}

/**
 * Each contract renders errors in its own body shape. The controllers marked `@PresentErrors`
 * are found at start-up and their paths registered. An error is looked up by its request path
 * (an exception filter is not told which controller failed, and a 404 or a request the HTTP
 * parser refused has none); everything else gets the service default.
 */
@Injectable()
export class ErrorPresenters extends PresenterRoutes implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
  ) {
    super();
  }

  onModuleInit(): void {
    for (const { metatype } of this.discovery.getControllers()) {
      const presenter = metatype && (Reflect.getMetadata(PRESENT_ERRORS, metatype) as Type<ContractErrorPresenter> | undefined);
      if (!presenter) continue;
      const { present } = this.moduleRef.get(presenter, { strict: false });
      this.register(controllerPaths(metatype as Type<unknown>), present);
    }
  }
}
