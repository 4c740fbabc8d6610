/**
 * `npm run bench`: every benchmark, each printing our figure beside a ceiling measured in the same run, as a ratio.
 * Each module exports run(); pass names to run a subset: `npm run bench -- footprint catalogue-search`.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !['run-all.ts', 'lib.ts'].includes(f))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((n) => !wanted.length || wanted.includes(n))
  .sort();

for (const name of names) {
  const mod = (await import(`./${name}.ts`)) as { run?: () => Promise<void> };
  if (!mod.run) continue;
  const started = Date.now();
  await mod.run();
  console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
