import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_LOCALES } from '../locale/locale.js';
import { BUILTIN_DIR, catalogueKeys, catalogueProblems, templateKeys } from './presentation.js';

const ROOT_SRC = join(BUILTIN_DIR, '..');

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(e.parentPath, e.name));
}

const catalogues = Object.fromEntries(
  SUPPORTED_LOCALES.map((l) => [l, JSON.parse(readFileSync(join(BUILTIN_DIR, 'locales', `${l}.json`), 'utf8'))]),
);
const templates = files(BUILTIN_DIR, '.hbs').map((file) => ({ file, text: readFileSync(file, 'utf8') }));

/** Keys the page code looks up itself: `text(locale, 'page.…')` and `t('page.…')` in src/pages. */
function codeKeys(): { file: string; key: string }[] {
  return files(join(ROOT_SRC, 'pages'), '.ts')
    .filter((f) => !f.endsWith('.spec.ts'))
    .flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\b(?:text\(\s*\w+,\s*|t\()'((?:page|mail)\.[\w.]+)'/g)].map((m) => ({ file, key: m[1] })),
    );
}

describe('message catalogues', () => {
  it('every catalogue has every key another has, and every key a template uses', () => {
    expect(catalogueProblems(catalogues, templates)).toEqual([]);
  });

  it('every key the page code looks up is in every catalogue', () => {
    const found = codeKeys();
    expect(found.length).toBeGreaterThan(10);
    for (const locale of SUPPORTED_LOCALES) {
      const keys = new Set(catalogueKeys(catalogues[locale]));
      expect(found.filter(({ key }) => !keys.has(key))).toEqual([]);
    }
  });

  it('notices a missing key, and a template key no catalogue has (with its line)', () => {
    const { page, ...withoutPage } = catalogues.de;
    expect(page).toBeDefined();
    expect(catalogueProblems({ ...catalogues, de: withoutPage }, [])).toContain('locales/de.json lacks "page.reset.title"');
    expect(catalogueProblems(catalogues, [{ file: 'x.hbs', text: '<p>\n{{t "page.nope"}}</p>' }])).toContain('x.hbs:2: "page.nope" is in no catalogue for en');
  });

  it('finds keys in sub-expressions too', () => {
    expect(templateKeys('{{> button label=(t "mail.a.b")}} {{t "page.c"}}').map((k) => k.key).sort()).toEqual(['mail.a.b', 'page.c']);
  });

  it('every value is text, and placeholders match across languages', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort().join(',');
    const get = (c: Record<string, unknown>, key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], c);
    for (const key of catalogueKeys(catalogues.en)) {
      const english = get(catalogues.en, key) as string;
      for (const locale of SUPPORTED_LOCALES) {
        const value = get(catalogues[locale], key);
        expect(typeof value).toBe('string');
        expect([locale, key, placeholders(value as string)]).toEqual([locale, key, placeholders(english)]);
      }
    }
  });
});
