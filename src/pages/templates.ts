import Handlebars from 'handlebars';
import { SUPPORTED_LOCALES, type Locale } from '../mail/locale.js';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH, PASSWORD_SPECIALS, type PasswordRule } from '../password/password-policy.js';
import { PAGE_MESSAGES, PAGE_RULES, SERVER_ONLY_RULES, type PageMessages } from './messages.js';

/** The hosted pages' Handlebars templates. Everything user-supplied is escaped by Handlebars. */
const hbs = Handlebars.create();

export const ASSET_PATHS = { css: '/assets/pages.css', script: '/assets/reset-password.js' };

hbs.registerPartial(
  'errorSummary',
  `{{#if errors.length}}<div class="alert" role="alert" id="error-summary">
<p class="alert-title">{{t.errorSummary}}</p>
<ul>{{#each errors}}<li>{{#if field}}<a href="#{{field}}">{{message}}</a>{{else}}{{message}}{{/if}}</li>{{/each}}</ul>
</div>{{/if}}`,
);

hbs.registerPartial(
  'fieldError',
  `{{#if error}}<p class="field-error" id="{{id}}-error">{{error}}</p>{{/if}}`,
);

hbs.registerPartial(
  'passwordFields',
  `<div class="field">
  <label for="password">{{t.newPassword}}</label>
  <input id="password" name="password" type="password" autocomplete="new-password" required maxlength="1024"
    aria-describedby="password-rules{{#if password.error}} password-error{{/if}}"{{#if password.error}} aria-invalid="true"{{/if}}>
  {{> fieldError id="password" error=password.error}}
  <div class="rules-box">
    <p class="rules-heading" id="password-rules-heading">{{t.rulesHeading}}</p>
    <ul class="rules" id="password-rules" aria-labelledby="password-rules-heading" data-min-length="{{minLength}}" data-max-bytes="{{maxBytes}}"
      data-specials="{{specials}}" data-met="{{t.ruleMet}}" data-unmet="{{t.ruleUnmet}}">
      {{#each rules}}<li class="rule{{#if state}} {{state}}{{/if}}" data-rule="{{id}}"{{#if serverOnly}} data-server-only="true"{{/if}}>
        <span class="rule-text">{{text}}</span>{{#if serverOnly}} <span class="rule-note">({{../t.ruleServerOnly}})</span>{{/if}}<span class="visually-hidden rule-state">{{#if stateText}}: {{stateText}}{{/if}}</span>
      </li>{{/each}}
    </ul>
  </div>
</div>
<div class="field">
  <label for="password_confirm">{{t.confirmPassword}}</label>
  <input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required maxlength="1024"
    aria-describedby="password_confirm-error"{{#if confirm.error}} aria-invalid="true"{{/if}}>
  <p class="field-error" id="password_confirm-error" data-message="{{t.passwordMismatch}}"{{#unless confirm.error}} hidden{{/unless}}>{{confirm.error}}</p>
</div>
<div class="field checkbox">
  <input id="show-passwords" type="checkbox" hidden data-show-passwords>
  <label for="show-passwords" hidden data-show-passwords>{{t.showPasswords}}</label>
</div>`,
);

hbs.registerPartial(
  'requestForm',
  `<form method="post" action="/reset-password/request" class="stack" novalidate>
  <input type="hidden" name="locale" value="{{locale}}">
  <div class="field">
    <label for="email">{{t.emailLabel}}</label>
    <input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="{{email.value}}"
      {{#if email.error}}aria-invalid="true" aria-describedby="email-error"{{/if}}>
    {{> fieldError id="email" error=email.error}}
  </div>
  <button type="submit">{{t.requestSubmit}}</button>
</form>`,
);

const LAYOUT = hbs.compile(`<!doctype html>
<html lang="{{locale}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>{{title}}</title>
<link rel="stylesheet" href="${ASSET_PATHS.css}">
{{#if script}}<script src="${ASSET_PATHS.script}" defer></script>{{/if}}
</head>
<body>
<main class="card{{#if wide}} wide{{/if}}" id="main">
{{{body}}}
</main>
{{#if languages.length}}<nav class="languages" aria-label="{{t.language}}">
{{#each languages}}<a href="{{href}}" lang="{{code}}" hreflang="{{code}}"{{#if current}} aria-current="page"{{/if}}>{{name}}</a>{{/each}}
</nav>{{/if}}
</body>
</html>
`);

const PAGES = {
  resetForm: hbs.compile(`<h1>{{t.resetTitle}}</h1>
<p>{{t.resetIntro}}</p>
{{> errorSummary}}
<form method="post" action="/reset-password" class="stack" data-password-form>
  <input type="hidden" name="token" value="{{token}}">
  <input type="hidden" name="locale" value="{{locale}}">
  {{> passwordFields}}
  <button type="submit">{{t.submitReset}}</button>
</form>
<p class="aside"><a href="/reset-password/code?locale={{locale}}">{{t.haveCode}}</a></p>`),

  codeForm: hbs.compile(`<h1>{{t.codeTitle}}</h1>
<p>{{t.codeIntro}}</p>
{{> errorSummary}}
<form method="post" action="/reset-password/code" class="stack" data-password-form>
  <input type="hidden" name="locale" value="{{locale}}">
  <div class="field">
    <label for="identifier">{{t.identifierLabel}}</label>
    <input id="identifier" name="identifier" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="254"
      value="{{identifier.value}}"{{#if identifier.error}} aria-invalid="true" aria-describedby="identifier-error"{{/if}}>
    {{> fieldError id="identifier" error=identifier.error}}
  </div>
  <div class="field">
    <label for="code">{{t.codeLabel}}</label>
    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="6" pattern="[0-9]{6}" class="code"
      value="{{code.value}}" aria-describedby="code-hint{{#if code.error}} code-error{{/if}}"{{#if code.error}} aria-invalid="true"{{/if}}>
    <p class="hint" id="code-hint">{{t.codeHint}}</p>
    {{> fieldError id="code" error=code.error}}
  </div>
  {{> passwordFields}}
  <button type="submit">{{t.submitReset}}</button>
</form>
<p class="aside"><a href="/reset-password/request?locale={{locale}}">{{t.haveLink}}</a></p>`),

  success: hbs.compile(`<div class="status success" aria-hidden="true">✓</div>
<h1>{{t.successTitle}}</h1>
<p role="status">{{t.successBody}}</p>
<p>{{t.successNotice}}</p>`),

  linkError: hbs.compile(`<div class="status error" aria-hidden="true">!</div>
<h1>{{t.linkErrorTitle}}</h1>
<p role="alert" id="link-error" data-reason="{{reason}}">{{message}}</p>
<h2>{{t.requestTitle}}</h2>
<p>{{t.requestIntro}}</p>
{{> requestForm}}
<p class="aside"><a href="/reset-password/code?locale={{locale}}">{{t.haveCode}}</a></p>`),

  requestForm: hbs.compile(`<h1>{{t.requestTitle}}</h1>
<p>{{t.requestIntro}}</p>
{{> errorSummary}}
{{> requestForm}}
<p class="aside"><a href="/reset-password/code?locale={{locale}}">{{t.haveCode}}</a></p>`),

  requestSent: hbs.compile(`<div class="status success" aria-hidden="true">✉</div>
<h1>{{t.requestSentTitle}}</h1>
<p role="status">{{sentBody}}</p>
<p class="aside"><a href="/reset-password/code?locale={{locale}}">{{t.haveCode}}</a></p>`),

  mailbox: hbs.compile(`<h1>Dev mailbox</h1>
<p>Messages the development mail transport kept (SMTP_URL is unset), newest first. <a href="/dev/mailbox">Refresh</a></p>
{{#if messages.length}}<div class="mailbox">
<nav aria-label="Messages"><ul class="messages">
{{#each messages}}<li><a href="/dev/mailbox?id={{id}}"{{#if current}} aria-current="true"{{/if}}><span class="subject">{{subject}}</span><span class="meta">{{to}}</span><span class="meta"><time datetime="{{sent_at}}">{{sent_at}}</time></span></a></li>{{/each}}
</ul></nav>
<section class="message" aria-labelledby="message-subject">
<div class="message-head">
<h2 id="message-subject">{{selected.subject}}</h2>
<dl><dt>To</dt><dd>{{selected.to}}</dd><dt>Sent</dt><dd><time datetime="{{selected.sent_at}}">{{selected.sent_at}}</time></dd></dl>
</div>
<iframe class="message-frame" title="Message: {{selected.subject}}" src="/dev/mailbox/messages/{{selected.id}}"
  sandbox="allow-top-navigation-by-user-activation allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer"></iframe>
<details><summary>Plain-text part</summary><pre class="text-part">{{selected.text}}</pre></details>
</section>
</div>{{else}}<p role="status">No messages yet. Request a password reset and refresh this page.</p>{{/if}}`),

  error: hbs.compile(`<div class="status error" aria-hidden="true">!</div>
<h1>{{title}}</h1>
<p role="alert">{{message}}</p>`),
};

export type PageName = keyof typeof PAGES;

export interface FieldState {
  value?: string;
  error?: string;
}

export interface PageContext {
  locale: Locale;
  /** Where the language links point (path and query without `locale`); none when unset. */
  switchPath?: string;
  errors?: { field?: string; message: string }[];
  [key: string]: unknown;
}

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

const TITLES: Record<PageName, (t: PageMessages) => string> = {
  resetForm: (t) => t.resetTitle,
  codeForm: (t) => t.codeTitle,
  success: (t) => t.successTitle,
  linkError: (t) => t.linkErrorTitle,
  requestForm: (t) => t.requestTitle,
  requestSent: (t) => t.requestSentTitle,
  error: (t) => t.errorTitle,
  mailbox: () => 'Dev mailbox',
};

/** The rule list's view model: `failed` marks rules the server rejected. */
export function rulesView(t: PageMessages, failed: PasswordRule[] = []) {
  return PAGE_RULES.map((id) => {
    const state = failed.length === 0 ? '' : failed.includes(id) ? 'unmet' : 'met';
    return {
      id,
      text: t.rules[id],
      serverOnly: SERVER_ONLY_RULES.includes(id),
      state,
      stateText: state === 'met' ? t.ruleMet : state === 'unmet' ? t.ruleUnmet : '',
    };
  });
}

export function renderPage(name: PageName, context: PageContext): string {
  const t = PAGE_MESSAGES[context.locale];
  const data = {
    t,
    rules: rulesView(t),
    minLength: PASSWORD_MIN_LENGTH,
    maxBytes: PASSWORD_MAX_BYTES,
    specials: PASSWORD_SPECIALS,
    errors: [],
    ...context,
  };
  const body = PAGES[name](data);
  const title = typeof context.title === 'string' ? context.title : TITLES[name](t);
  const switchPath = context.switchPath;
  const languages = switchPath
    ? SUPPORTED_LOCALES.map((code) => ({
        code,
        name: LANGUAGE_NAMES[code],
        current: code === context.locale,
        href: `${switchPath}${switchPath.includes('?') ? '&' : '?'}locale=${code}`,
      }))
    : [];
  return LAYOUT({
    locale: context.locale,
    title,
    body,
    t,
    languages,
    wide: context.wide === true,
    script: name === 'resetForm' || name === 'codeForm',
  });
}
