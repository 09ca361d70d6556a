import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import i18next, { type i18n } from 'i18next';
import { AppConfig } from '../config/app-config.js';
import { SUPPORTED_LOCALES, type Locale } from '../locale/locale.js';
import { MAIL_TEMPLATE_PARAMS, MAIL_TEMPLATES, type RenderedMail, type TemplateName } from './mail-templates.js';
import { PASSWORD_MAX_BYTES, PasswordPolicy, SPECIAL_CHARACTER, type PasswordRule } from '../password/password-policy.js';

/**
 * Everything people see lives in files next to this module (copied to dist/ by `npm run build`):
 *
 *   views/<page>.hbs, views/partials/<name>.hbs     the hosted pages (Handlebars)
 *   mail/<template>/{subject,html,text}.hbs         the emails; mail/partials/<name>.hbs
 *   locales/<locale>.json                           the words, one catalogue per language (i18next)
 *   assets/                                         stylesheet, script, favicon (@fastify/static)
 *
 * TEMPLATES_DIR has the same layout and may hold any subset: a file there replaces the built-in
 * one of the same path, and a catalogue there overrides the built-in words key by key. Every
 * template and catalogue is parsed at start-up; a broken one stops the service with its file
 * and line.
 */
export const BUILTIN_DIR = dirname(fileURLToPath(import.meta.url));

export const PAGE_VIEWS = [
  'reset-form',
  'code-form',
  'success',
  'link-used',
  'link-error',
  'request-form',
  'request-sent',
  'error',
  'mailbox',
  'verify-email',
  'verify-email-done',
  'verify-email-error',
] as const;
export type PageView = (typeof PAGE_VIEWS)[number];

const MAIL_PARTS = ['subject', 'html', 'text'] as const;

/** The rules in the order the pages list them; `common` needs the server's list; `max_bytes` shows only when broken. */
export const PAGE_RULES: PasswordRule[] = ['min_length', 'uppercase', 'lowercase', 'digit', 'special', 'common', 'max_bytes'];
export const SERVER_ONLY_RULES: PasswordRule[] = ['common'];

/** Page titles by view (catalogue keys). */
const TITLES: Record<Exclude<PageView, 'error' | 'mailbox'>, string> = {
  'reset-form': 'page.reset.title',
  'code-form': 'page.code.title',
  success: 'page.success.title',
  'link-used': 'page.used.title',
  'link-error': 'page.linkError.title',
  'request-form': 'page.request.title',
  'request-sent': 'page.sent.title',
  'verify-email': 'page.verifyEmail.title',
  'verify-email-done': 'page.verifyEmail.doneTitle',
  'verify-email-error': 'page.verifyEmail.errorTitle',
};

export class TemplateError extends Error {}

export interface PageContext {
  locale: Locale;
  /** Where the language links point (path and query without `locale`); none when unset. */
  switchPath?: string;
  title?: string;
  [key: string]: unknown;
}

interface Source {
  file: string;
  text: string;
}

type Catalogue = Record<string, unknown>;

/** The brand settings as the templates see them (every key present: the mail templates are strict). */
export interface BrandView {
  name: string | null;
  logoUrl: string | null;
  color: string;
  textColor: string;
  themed: boolean;
  supportUrl: string | null;
  supportLabel: string | null;
  supportEmail: string | null;
  supportContact: string | null;
  loginUrl: string | null;
  requestUrl: string;
}

@Injectable()
export class Presentation {
  readonly assetRoots: string[];
  readonly brand: Omit<BrandView, 'requestUrl'>;
  private readonly i18n: i18n;
  private readonly pages = Handlebars.create();
  private readonly mail = Handlebars.create();
  private readonly views = new Map<string, Handlebars.TemplateDelegate>();
  private readonly mails = new Map<string, Handlebars.TemplateDelegate>();
  private readonly theme?: string;
  private readonly publicUrl: string;
  private readonly ttlMinutes: number;
  /** PASSWORD_POLICY: the rules the pages list and check as the person types. */
  private readonly policy: PasswordPolicy;

  constructor(config: AppConfig) {
    this.policy = new PasswordPolicy(config.passwordPolicy);
    const dirs = [config.presentation.templatesDir, BUILTIN_DIR].filter((d): d is string => !!d);
    if (config.presentation.templatesDir) checkOverrideLayout(config.presentation.templatesDir);
    this.publicUrl = config.publicUrl;
    this.ttlMinutes = Math.round(config.reset.ttlSeconds / 60);
    this.assetRoots = dirs.map((d) => join(d, 'assets')).filter((d) => existsSync(d));

    const catalogues = loadCatalogues(dirs);
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      resources: Object.fromEntries(Object.entries(catalogues).map(([lng, words]) => [lng, { translation: words }])),
      lng: config.mail.defaultLocale,
      fallbackLng: 'en',
      supportedLngs: [...SUPPORTED_LOCALES],
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });

    const t = (key: unknown, options: Handlebars.HelperOptions) =>
      this.text(String(options.data?.root?.locale ?? config.mail.defaultLocale), String(key), options.hash);
    this.pages.registerHelper('t', t);
    this.mail.registerHelper('t', t);

    const sources: Source[] = [];
    for (const [name, source] of partials(dirs, 'views/partials')) {
      sources.push(source);
      this.pages.registerPartial(name, this.pages.compile(parsed(source)));
    }
    for (const view of [...PAGE_VIEWS, 'layout', 'theme.css']) {
      const source = pick(dirs, `views/${view}.hbs`);
      sources.push(source);
      this.views.set(view, this.pages.compile(parsed(source)));
    }
    for (const [name, source] of partials(dirs, 'mail/partials')) {
      sources.push(source);
      // Partials named text… belong to the text part: not HTML, no escaping.
      this.mail.registerPartial(name, this.mail.compile(parsed(source), { strict: true, noEscape: name.startsWith('text') }));
    }
    for (const template of MAIL_TEMPLATES) {
      for (const part of MAIL_PARTS) {
        const source = pick(dirs, `mail/${template}/${part}.hbs`);
        sources.push(source);
        // The subject and the text part are not HTML: no escaping there. Strict: a missing
        // parameter fails the delivery (and is retried) rather than sending a broken mail.
        this.mails.set(`${template}/${part}`, this.mail.compile(parsed(source), { strict: true, noEscape: part !== 'html' }));
      }
    }
    const problems = catalogueProblems(catalogues, sources);
    if (problems.length) throw new TemplateError(`Invalid templates:\n  ${problems.join('\n  ')}`);

    const b = config.brand;
    const color = b.color ?? '#0a58ca';
    const supportContact = b.supportUrl ?? b.supportEmail ?? null;
    this.brand = {
      name: b.name ?? null,
      logoUrl: b.logoUrl ?? null,
      color,
      textColor: contrastingText(color),
      themed: !!b.color,
      supportUrl: b.supportUrl ?? null,
      supportLabel: b.supportUrl ? b.supportUrl.replace(/^https?:\/\//, '').replace(/\/$/, '') : null,
      supportEmail: b.supportEmail ?? null,
      supportContact,
      loginUrl: b.loginUrl ?? null,
    };
    if (b.color) this.theme = this.views.get('theme.css')!({ color, textColor: this.brand.textColor });
  }

  /** One catalogue string in `locale`, with `{{name}}` placeholders filled from `params`. */
  text(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
    return String(this.i18n.t(key, { ...params, lng: locale } as never));
  }

  /** The language switch's names, from the catalogues. */
  languageName(locale: Locale): string {
    return this.text(locale, 'meta.name');
  }

  /** The stylesheet generated from BRAND_COLOR, if set. */
  themeCss(): string | undefined {
    return this.theme;
  }

  /** The rule list's view model: `failed` marks rules the server rejected. */
  rules(locale: Locale, failed: PasswordRule[] = []) {
    return PAGE_RULES.filter((id) => this.policy.rules.includes(id)).map((id) => {
      const state = failed.length === 0 ? '' : failed.includes(id) ? 'unmet' : id === 'max_bytes' ? '' : 'met';
      return {
        id,
        text: id === 'max_bytes' ? this.text(locale, 'page.password.tooLong') : this.text(locale, `page.rules.${id}`, { count: this.policy.minLength }),
        serverOnly: SERVER_ONLY_RULES.includes(id),
        hidden: id === 'max_bytes' && state !== 'unmet',
        state,
        stateText: state === 'met' ? this.text(locale, 'page.password.ruleMet') : state === 'unmet' ? this.text(locale, 'page.password.ruleUnmet') : '',
      };
    });
  }

  renderPage(view: PageView, context: PageContext): string {
    const { locale } = context;
    const data = {
      brand: this.brandView(locale),
      rules: this.rules(locale),
      policy: { minLength: this.policy.minLength, maxBytes: PASSWORD_MAX_BYTES, specialPattern: SPECIAL_CHARACTER.source },
      ttlMinutes: this.ttlMinutes,
      ...context,
    };
    const body = this.views.get(view)!(data);
    const title = context.title ?? (view in TITLES ? this.text(locale, TITLES[view as keyof typeof TITLES]) : '');
    const switchPath = context.switchPath;
    const languages = switchPath
      ? SUPPORTED_LOCALES.map((code) => ({
          code,
          name: this.languageName(code),
          current: code === locale,
          href: `${switchPath}${switchPath.includes('?') ? '&' : '?'}locale=${code}`,
        }))
      : [];
    return this.views.get('layout')!({
      locale,
      title,
      body,
      brand: data.brand,
      languages,
      wide: context.wide === true,
      script: view === 'reset-form' || view === 'code-form',
    });
  }

  renderMail(template: TemplateName, locale: Locale, params: Record<string, unknown>): RenderedMail {
    const missing = MAIL_TEMPLATE_PARAMS[template].filter((name) => params[name] === undefined || params[name] === null);
    if (missing.length) throw new Error(`Email ${template} lacks ${missing.join(', ')}`);
    const data = { ...params, locale, brand: this.brandView(locale) };
    const subject = this.mails.get(`${template}/subject`)!(data).replace(/\s+/g, ' ').trim();
    const text = `${this.mails.get(`${template}/text`)!(data).replace(/\n{3,}/g, '\n\n').trim()}\n`;
    const html = this.mails.get(`${template}/html`)!({ ...data, subject });
    return { subject, text, html };
  }

  private brandView(locale: Locale): BrandView {
    return { ...this.brand, requestUrl: `${this.publicUrl}/reset-password/request?locale=${locale}` };
  }
}

/** The template source at `path` from the first folder that has it (the operator's, then the built-in one). */
function pick(dirs: string[], path: string): Source {
  for (const dir of dirs) {
    const file = join(dir, path);
    if (existsSync(file)) return { file, text: readFileSync(file, 'utf8') };
  }
  throw new TemplateError(`Invalid templates: ${path} is missing`);
}

/** Every partial by name, the operator's replacing the built-in one of the same name. */
function partials(dirs: string[], folder: string): Map<string, Source> {
  const found = new Map<string, Source>();
  for (const dir of [...dirs].reverse()) {
    const path = join(dir, folder);
    if (!existsSync(path)) continue;
    for (const name of readdirSync(path).filter((f) => f.endsWith('.hbs'))) {
      found.set(basename(name, '.hbs'), { file: join(path, name), text: readFileSync(join(path, name), 'utf8') });
    }
  }
  return found;
}

/** Parses a template now (Handlebars compiles lazily), so a broken one fails start-up with its file and line. */
function parsed(source: Source): Handlebars.Template {
  try {
    return Handlebars.parse(source.text) as unknown as Handlebars.Template;
  } catch (err) {
    const message = (err as Error).message;
    const line = /line (\d+)/.exec(message)?.[1];
    const detail = message.split('\n').filter((l) => l.trim() && !/^Parse error on line/.test(l) && !/^-*\^$/.test(l.trim()));
    throw new TemplateError(`Invalid template ${source.file}${line ? `:${line}` : ''}: ${detail.at(-1) ?? message}`);
  }
}

/** The built-in catalogues, each overlaid key by key with the operator's catalogue for its locale. */
function loadCatalogues(dirs: string[]): Record<Locale, Catalogue> {
  const result: Record<Locale, Catalogue> = {};
  for (const locale of SUPPORTED_LOCALES) {
    result[locale] = {};
    for (const dir of [...dirs].reverse()) {
      const file = join(dir, 'locales', `${locale}.json`);
      if (existsSync(file)) result[locale] = merge(result[locale], readJson(file));
    }
  }
  return result;
}

function readJson(file: string): Catalogue {
  const text = readFileSync(file, 'utf8');
  try {
    const value = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SyntaxError('a catalogue must be a JSON object');
    return value;
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    throw new TemplateError(`Invalid catalogue ${file}${line ? `:${line}` : ''}: ${message}`);
  }
}

function merge(base: Catalogue, over: Catalogue): Catalogue {
  const out: Catalogue = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && current && typeof current === 'object'
        ? merge(current as Catalogue, value as Catalogue)
        : value;
  }
  return out;
}

/** Every key of a catalogue, dotted. */
export function catalogueKeys(catalogue: Catalogue, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    value && typeof value === 'object' ? catalogueKeys(value as Catalogue, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** The catalogue keys a template names with `{{t "key"}}` (also in sub-expressions), with their lines. */
export function templateKeys(text: string): { key: string; line: number }[] {
  const found: { key: string; line: number }[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as { type?: string; path?: { original?: string }; params?: { type: string; value: unknown }[]; loc?: { start: { line: number } } };
    if ((n.type === 'MustacheStatement' || n.type === 'SubExpression') && n.path?.original === 't') {
      const first = n.params?.[0];
      if (first?.type === 'StringLiteral') found.push({ key: String(first.value), line: n.loc?.start.line ?? 0 });
    }
    for (const value of Object.values(n)) if (value && typeof value === 'object') visit(value);
  };
  visit(Handlebars.parse(text));
  return found;
}

/**
 * What is wrong with the catalogues: a key one catalogue has and another lacks, a key a template
 * uses that a catalogue lacks, a value that is not text.
 */
export function catalogueProblems(catalogues: Record<Locale, Catalogue>, sources: { file: string; text: string }[]): string[] {
  const problems: string[] = [];
  const keys = Object.fromEntries(Object.entries(catalogues).map(([l, c]) => [l, new Set(catalogueKeys(c))]));
  const all = new Set(Object.values(keys).flatMap((s) => [...s]));
  for (const [locale, set] of Object.entries(keys)) {
    for (const key of all) if (!set.has(key)) problems.push(`locales/${locale}.json lacks "${key}"`);
  }
  for (const source of sources) {
    for (const { key, line } of templateKeys(source.text)) {
      for (const [locale, set] of Object.entries(keys)) {
        if (!set.has(key)) problems.push(`${source.file}:${line}: "${key}" is in no catalogue for ${locale}`);
      }
    }
  }
  return problems;
}

/** A file in TEMPLATES_DIR that the service would never read is a mistake (a typo in a name); say so. */
function checkOverrideLayout(root: string): void {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new TemplateError(`Invalid templates: TEMPLATES_DIR ${root} is not a folder`);
  const known = new Set<string>([
    ...PAGE_VIEWS.map((v) => `views/${v}.hbs`),
    'views/layout.hbs',
    'views/theme.css.hbs',
    ...SUPPORTED_LOCALES.map((l) => `locales/${l}.json`),
    ...MAIL_TEMPLATES.flatMap((t) => MAIL_PARTS.map((p) => `mail/${t}/${p}.hbs`)),
  ]);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const file of walk(root)) {
    const path = relative(root, file).split('\\').join('/');
    if (basename(path).startsWith('.')) continue;
    if (known.has(path) || path.startsWith('assets/') || /^(views|mail)\/partials\/[^/]+\.hbs$/.test(path)) continue;
    throw new TemplateError(
      `Invalid templates: ${file} is not used (expected views/<page>.hbs, views/partials/*.hbs, mail/<template>/{subject,html,text}.hbs, mail/partials/*.hbs, locales/<${SUPPORTED_LOCALES.join('|')}>.json or assets/*)`,
    );
  }
}

/** Black or white, whichever contrasts more with `hex` (WCAG relative luminance). */
export function contrastingText(hex: string): string {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#000000' : '#ffffff';
}
