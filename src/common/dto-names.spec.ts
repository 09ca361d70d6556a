import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @nestjs/swagger's list of a model's documented properties, on the class's prototype. */
const MODEL_PROPERTIES = 'swagger/apiModelPropertiesArray';

/** The source files that document a request or response body (they use @ApiProperty). */
function modelFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => join(SRC, file))
    .filter((file) => /@ApiProperty(Optional)?\(/.test(readFileSync(file, 'utf8')));
}

describe('the DTO classes', () => {
  it('have unique names: the OpenAPI document keys each schema by its class name, so two classes of one name would share one schema', async () => {
    const owners = new Map<string, string[]>();
    for (const file of modelFiles()) {
      const exported = (await import(file)) as Record<string, unknown>;
      for (const value of Object.values(exported)) {
        if (typeof value !== 'function' || !value.prototype || !Reflect.hasOwnMetadata(MODEL_PROPERTIES, value.prototype as object)) continue;
        owners.set(value.name, [...(owners.get(value.name) ?? []), relative(SRC, file)]);
      }
    }
    expect(owners.size).toBeGreaterThan(20);
    expect([...owners].filter(([, files]) => files.length > 1)).toEqual([]);
  });
});
