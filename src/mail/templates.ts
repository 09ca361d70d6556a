import Handlebars from 'handlebars';
import type { Locale } from './locale.js';

export type TemplateName = 'reset-code' | 'password-changed' | 'code-guessing-alert';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface Template {
  subject: string;
  text: string;
  html: string;
}

const layout = (body: string) => `<!doctype html>
<html lang="{{locale}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{subject}}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328;max-width:560px;margin:24px auto;padding:0 16px">
${body}
</body></html>`;

/** Handlebars sources per locale. The text part keeps the code and the link on lines of their own. */
const SOURCES: Record<Locale, Record<TemplateName, Template>> = {
  en: {
    'reset-code': {
      subject: 'Reset your password',
      text: `Hello {{username}},

someone asked to reset the password of your account. Your verification code is:

{{code}}

Or open this link to choose a new password:

{{link}}

The code and the link expire in {{ttlMinutes}} minutes, at {{expiresAt}} UTC.
If you did not ask for this, ignore this email: your password stays as it is.
`,
      html: layout(`<p>Hello {{username}},</p>
<p>someone asked to reset the password of your account. Your verification code is:</p>
<p style="font-size:28px;font-weight:bold;letter-spacing:4px" data-testid="reset-code">{{code}}</p>
<p><a href="{{link}}" data-testid="reset-link">Choose a new password</a></p>
<p>The code and the link expire in {{ttlMinutes}} minutes, at {{expiresAt}} UTC.</p>
<p>If you did not ask for this, ignore this email: your password stays as it is.</p>`),
    },
    'password-changed': {
      subject: 'Your password was changed',
      text: `Hello {{username}},

the password of your account was changed at {{changedAt}} UTC.
If this was not you, reset your password right away and contact support.
`,
      html: layout(`<p>Hello {{username}},</p>
<p>the password of your account was changed at {{changedAt}} UTC.</p>
<p>If this was not you, reset your password right away and contact support.</p>`),
    },
    'code-guessing-alert': {
      subject: 'Someone is trying to reset your password',
      text: `Hello {{username}},

someone has entered many wrong verification codes for your account, most recently at {{attemptedAt}} UTC.
Codes for your account are refused for now; your password has not been changed.
If this was you, use the link from a new reset email instead of the code.
If it was not you, nothing needs to be done, but consider choosing a stronger password.
`,
      html: layout(`<p>Hello {{username}},</p>
<p>someone has entered many wrong verification codes for your account, most recently at {{attemptedAt}} UTC.</p>
<p>Codes for your account are refused for now; your password has not been changed.</p>
<p>If this was you, use the link from a new reset email instead of the code.
If it was not you, nothing needs to be done, but consider choosing a stronger password.</p>`),
    },
  },
  de: {
    'reset-code': {
      subject: 'Passwort zurücksetzen',
      text: `Hallo {{username}},

jemand möchte das Passwort Ihres Kontos zurücksetzen. Ihr Bestätigungscode lautet:

{{code}}

Oder öffnen Sie diesen Link, um ein neues Passwort zu wählen:

{{link}}

Code und Link verfallen in {{ttlMinutes}} Minuten, um {{expiresAt}} UTC.
Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.
`,
      html: layout(`<p>Hallo {{username}},</p>
<p>jemand möchte das Passwort Ihres Kontos zurücksetzen. Ihr Bestätigungscode lautet:</p>
<p style="font-size:28px;font-weight:bold;letter-spacing:4px" data-testid="reset-code">{{code}}</p>
<p><a href="{{link}}" data-testid="reset-link">Neues Passwort wählen</a></p>
<p>Code und Link verfallen in {{ttlMinutes}} Minuten, um {{expiresAt}} UTC.</p>
<p>Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.</p>`),
    },
    'password-changed': {
      subject: 'Ihr Passwort wurde geändert',
      text: `Hallo {{username}},

das Passwort Ihres Kontos wurde am {{changedAt}} UTC geändert.
Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück und wenden Sie sich an den Support.
`,
      html: layout(`<p>Hallo {{username}},</p>
<p>das Passwort Ihres Kontos wurde am {{changedAt}} UTC geändert.</p>
<p>Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück und wenden Sie sich an den Support.</p>`),
    },
    'code-guessing-alert': {
      subject: 'Jemand versucht, Ihr Passwort zurückzusetzen',
      text: `Hallo {{username}},

für Ihr Konto wurden viele falsche Bestätigungscodes eingegeben, zuletzt am {{attemptedAt}} UTC.
Codes für Ihr Konto werden vorerst abgelehnt; Ihr Passwort wurde nicht geändert.
Wenn Sie das waren, verwenden Sie statt des Codes den Link aus einer neuen Rücksetz-E-Mail.
Wenn nicht, müssen Sie nichts tun, sollten aber ein stärkeres Passwort in Betracht ziehen.
`,
      html: layout(`<p>Hallo {{username}},</p>
<p>für Ihr Konto wurden viele falsche Bestätigungscodes eingegeben, zuletzt am {{attemptedAt}} UTC.</p>
<p>Codes für Ihr Konto werden vorerst abgelehnt; Ihr Passwort wurde nicht geändert.</p>
<p>Wenn Sie das waren, verwenden Sie statt des Codes den Link aus einer neuen Rücksetz-E-Mail.
Wenn nicht, müssen Sie nichts tun, sollten aber ein stärkeres Passwort in Betracht ziehen.</p>`),
    },
  },
};

type Compiled = Record<keyof Template, Handlebars.TemplateDelegate>;
const COMPILED = new Map<string, Compiled>();

function compiled(locale: Locale, name: TemplateName): Compiled {
  const key = `${locale}/${name}`;
  let entry = COMPILED.get(key);
  if (!entry) {
    const source = SOURCES[locale][name];
    entry = {
      subject: Handlebars.compile(source.subject, { noEscape: true, strict: true }),
      // The text part is not HTML: no escaping there.
      text: Handlebars.compile(source.text, { noEscape: true, strict: true }),
      html: Handlebars.compile(source.html, { strict: true }),
    };
    COMPILED.set(key, entry);
  }
  return entry;
}

export function renderMail(name: TemplateName, locale: Locale, params: Record<string, unknown>): RenderedMail {
  const t = compiled(locale, name);
  const subject = t.subject(params);
  return { subject, text: t.text(params), html: t.html({ ...params, subject, locale }) };
}
