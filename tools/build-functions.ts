/**
 * Bundles each cloud function (cloudfunctions/<name>/index.ts) with esbuild into
 * dist/cloudfunctions/<name>/index.js, with a package.json naming the packages left outside the bundle
 * (CloudBase installs them: installDependency in cloudbaserc.json).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(__dirname, '..');
const sourceDir = path.join(root, 'cloudfunctions');
export const functionsOutDir = path.join(root, 'dist/cloudfunctions');

/**
 * Installed by CloudBase next to the bundle rather than bundled: the SDK, the PostgreSQL driver, the
 * HTTP client to centers (undici alone would double every bundle) and the PDF parser that checks documents
 * (pdf-lib, about 420 KB minified: bundled, it would take the functions that check files past 1 MB), and the
 * Excel writer of supervisors' exports (exceljs, about 1.1 MB minified, with the jszip it is zipped again with).
 * Each is loaded on first use; a function's package.json lists only those its bundle imports.
 */
const EXTERNAL = ['@cloudbase/node-sdk', 'pg', 'undici', 'pdf-lib', 'exceljs', 'jszip'] as const;

/** Every deployable function: a folder with an index.ts, except the shared _lib. */
export function functionNames(): string[] {
  return readdirSync(sourceDir)
    .filter((name) => !name.startsWith('_') && statSync(path.join(sourceDir, name)).isDirectory())
    .sort();
}

export interface BuiltFunction {
  name: string;
  bytes: number;
  /** The source files the bundle carries code of (esbuild's metafile, relative to the working directory). */
  inputs: string[];
}

/** Builds every function into `outRoot`/<name> (dist/cloudfunctions unless told). */
export async function buildFunctions(outRoot = functionsOutDir): Promise<BuiltFunction[]> {
  const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const results = [];
  for (const name of functionNames()) {
    const outDir = path.join(outRoot, name);
    mkdirSync(outDir, { recursive: true });
    const outfile = path.join(outDir, 'index.js');
    const { metafile } = await build({
      entryPoints: [path.join(sourceDir, name, 'index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      sourcemap: 'linked',
      // pg's optional native binding is never used
      external: [...EXTERNAL, 'pg-native'],
      legalComments: 'none',
      logLevel: 'warning',
      metafile: true,
    });
    const imported = new Set(Object.values(metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path)));
    const dependencies = Object.fromEntries(EXTERNAL.filter((dep) => imported.has(dep)).map((dep) => [dep, rootPkg.dependencies[dep]]));
    writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true, main: 'index.js', dependencies }, null, 2)}\n`);
    const inputs = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([file]) => file));
    results.push({ name, bytes: statSync(outfile).size, inputs });
  }
  return results;
}

if (require.main === module) {
  buildFunctions().then(
    (built) => built.forEach((b) => console.log(`dist/cloudfunctions/${b.name}/index.js  ${(b.bytes / 1024).toFixed(1)} KB`)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
