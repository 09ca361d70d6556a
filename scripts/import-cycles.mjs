// `npm run lint:cycles`: fails on any import cycle among the files under src/ (madge --circular).
// Type-only imports are left out (erased at compile time, they load nothing). The one kind of
// cycle allowed is a pair of TypeORM entities that reference each other (a relation and its
// inverse side), which needs both classes in each file.
//
// It also lists the pairs of feature folders (src/<folder>/) that import each other, specs left
// out; `--folders` (the `npm run lint:cycles` default, so CI) makes any such pair fail the run too.
import madge from 'madge';

const failOnFolders = process.argv.includes('--folders');
const isEntityPair = (cycle) => cycle.length === 2 && cycle.every((file) => file.endsWith('.entity.ts'));
const folderOf = (file) => (file.includes('/') ? file.split('/')[0] : '.');

const result = await madge('src/', {
  fileExtensions: ['ts'],
  tsConfig: 'tsconfig.json',
  detectiveOptions: { ts: { skipTypeImports: true } },
});

const cycles = result.circular();
const refused = cycles.filter((cycle) => !isEntityPair(cycle));
for (const cycle of cycles) {
  console.log(`${isEntityPair(cycle) ? 'allowed (entity pair)' : 'CYCLE'}: ${cycle.join(' > ')}`);
}

const folderEdges = new Map();
for (const [file, imports] of Object.entries(result.obj())) {
  if (file.endsWith('.spec.ts')) continue;
  for (const imported of imports) {
    const edge = `${folderOf(file)} > ${folderOf(imported)}`;
    if (folderOf(file) !== folderOf(imported)) folderEdges.set(edge, [...(folderEdges.get(edge) ?? []), `${file} > ${imported}`]);
  }
}
const folderPairs = [...folderEdges.keys()]
  .map((edge) => edge.split(' > '))
  .filter(([a, b]) => a < b && folderEdges.has(`${b} > ${a}`));
for (const [a, b] of folderPairs) {
  console.log(`${failOnFolders ? 'FOLDER CYCLE' : 'folder cycle (not failing without --folders)'}: ${a} <-> ${b}`);
  for (const via of [...folderEdges.get(`${a} > ${b}`), ...folderEdges.get(`${b} > ${a}`)]) console.log(`    ${via}`);
}

if (refused.length > 0 || (failOnFolders && folderPairs.length > 0)) {
  console.error(`${refused.length} file import cycle(s), ${folderPairs.length} folder pair(s) importing each other under src/`);
  process.exit(1);
}
console.log(`No import cycles among ${Object.keys(result.obj()).length} files (${folderPairs.length} folder pair(s) import each other)`);
