import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Every response the end-to-end suites receive through HttpClient is checked against the
 * service's OpenAPI document: its status must be documented for the operation, its JSON body
 * must match the documented schema, and the documented required headers must be there.
 * The document is the checked-in openapi.json, compiled once per test file: what an app serves
 * at /docs-json differs from it only in its server URLs (test/openapi.e2e-spec.ts checks that),
 * and building it in every app cost about half a second of each suite's start.
 *
 * The rule for what is exempt: a request whose method and path match no operation of the
 * document (the hosted pages, their assets, /metrics, the dev mailbox, /docs, unknown URLs)
 * is outside the document, so there is nothing to conform to.
 */

type Json = Record<string, any>;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Json;
}

export interface ConformanceChecker {
  check(method: string, url: string, status: number, headers: Headers, text: string): string[];
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const CHECKED_IN = new URL('../../openapi.json', import.meta.url);

function compile(doc: Json): ConformanceChecker {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components ?? {} });
  const validators = new Map<unknown, ValidateFunction>();
  const validatorFor = (schema: Json): ValidateFunction => {
    let validate = validators.get(schema);
    if (!validate) {
      // Local refs (#/components/...) resolve against the document's components.
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
      validate = ajv.compile(rebased);
      validators.set(schema, validate);
    }
    return validate;
  };
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries<Json>(doc.paths ?? {})) {
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    for (const [method, op] of Object.entries<Json>(item)) {
      if (!op?.responses) continue;
      operations.push({ method: method.toUpperCase(), template, pattern: new RegExp(`^${source}$`), responses: op.responses });
    }
  }
  return {
    check(method, url, status, headers, text) {
      const path = new URL(url).pathname;
      const op = operations.find((o) => o.method === method.toUpperCase() && o.pattern.test(path));
      if (!op) return [];
      const where = `${method.toUpperCase()} ${op.template} answered ${status}`;
      const response = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
      if (!response) return [`${where}, a status the document does not list (${Object.keys(op.responses).join(', ')})`];
      const problems: string[] = [];
      for (const [name, header] of Object.entries<Json>(response.headers ?? {})) {
        if (header.required && !headers.has(name)) problems.push(`${where} without its documented ${name} header`);
      }
      const type = (headers.get('content-type') ?? '').split(';')[0].trim();
      const content = response.content as Json | undefined;
      if (!content) {
        if (text) problems.push(`${where} with a body (${type}) where the document has none`);
        return problems;
      }
      const media = content[type];
      if (!media) return [...problems, `${where} as ${type || 'no content type'}; the document has ${Object.keys(content).join(', ')}`];
      if (type === 'application/json' && media.schema) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return [...problems, `${where} with a body that is not JSON: ${text.slice(0, 200)}`];
        }
        const validate = validatorFor(media.schema);
        if (!validate(body)) {
          problems.push(`${where} with a body that does not match its schema: ${ajv.errorsText(validate.errors)}; body ${text.slice(0, 500)}`);
        }
      }
      return problems;
    },
  };
}

let checkedIn: ConformanceChecker | undefined;

/** The checker every app's answers go through. */
export async function conformanceFor(): Promise<ConformanceChecker> {
  checkedIn ??= compile(JSON.parse(readFileSync(CHECKED_IN, 'utf8')) as Json);
  return checkedIn;
}
