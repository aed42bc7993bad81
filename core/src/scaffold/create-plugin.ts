import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { inputError } from '../plugin-api/index.js';

/** Input of {@link createPluginPackage}. */
export interface CreatePluginInput {
  /** `defense` or `attack`. */
  kind: 'defense' | 'attack';
  /** Plugin id, lowercase kebab-case (`bit-depth`); the package is `advbench-<kind>-<name>`. */
  name: string;
  /** Folder to create (must not exist or be empty); default `./advbench-<kind>-<name>` under `cwd`. */
  directory?: string;
  /** TypeScript (src/index.ts compiled to dist/) instead of one plain JavaScript file. */
  typescript?: boolean;
  /** Folder relative paths resolve from. */
  cwd: string;
}

/** What {@link createPluginPackage} wrote. */
export interface CreatedPlugin {
  /** The package folder. */
  directory: string;
  /** Files written, relative to it. */
  files: string[];
  /** Packages linked into its node_modules from this advbench install (so `npm test` works offline). */
  linked: string[];
  /** Packages the TypeScript build needs that this install could not provide (`npm install` fetches them). */
  missing: string[];
}

/** A template option row (for the README's table). */
interface TemplateOption {
  name: string;
  type: string;
  default: string;
  description: string;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** core's package folder (holding package.json, dist/ and templates/), from this module's location. */
function coreFolder(): string {
  return realpathSync(fileURLToPath(new URL('../..', import.meta.url)));
}

function render(templatePath: string, data: Record<string, unknown>): string {
  const template = Handlebars.compile(readFileSync(templatePath, 'utf8'), { noEscape: true, strict: true });
  return template(data, { helpers: { json: (value: unknown) => JSON.stringify(value) } });
}

function link(target: string, at: string): void {
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(target, at, 'dir');
}

/**
 * Writes a new plugin package from the handlebars templates in core's `templates/`: package.json, the plugin
 * (index.js, or src/index.ts with tsconfig.json), a README with the options table and test/plugin.test.js, which runs
 * the conformance check of `advbench check-plugin` through `@advbench/core/testkit`. `@advbench/core` (and, for
 * TypeScript, `typescript` when this install has it) is linked into the package's node_modules from the install that
 * runs this, and named as a `file:` devDependency, so `npm test` passes as generated, offline.
 * Bad names and non-empty target folders are exit-2 errors; nothing is written then.
 */
export function createPluginPackage(input: CreatePluginInput): CreatedPlugin {
  if (input.kind !== 'defense' && input.kind !== 'attack') {
    throw inputError('ADVBENCH_ERR_CREATE_KIND', `advbench create: the kind must be "defense" or "attack", got ${JSON.stringify(input.kind)}`);
  }
  if (!ID_PATTERN.test(input.name)) {
    throw inputError('ADVBENCH_ERR_CREATE_NAME', `advbench create: the name must be a lowercase kebab-case plugin id (for example bit-depth), got ${JSON.stringify(input.name)}`);
  }
  const packageName = `advbench-${input.kind}-${input.name}`;
  const directory = resolve(input.cwd, input.directory ?? packageName);
  if (existsSync(directory) && readdirSync(directory).length > 0) {
    throw inputError('ADVBENCH_ERR_CREATE_EXISTS', `advbench create: ${directory} already exists and is not empty; choose another --dir`, { details: { directory } });
  }
  const core = coreFolder();
  const templates = join(core, 'templates');
  const coreManifest = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8')) as { version: string };
  const kindTemplate = JSON.parse(readFileSync(join(templates, input.kind, 'template.json'), 'utf8')) as { description: string; options: TemplateOption[] };
  const typescript = input.typescript === true;
  const requireFromCore = createRequire(join(core, 'package.json'));
  let typescriptFolder: string | undefined;
  let typescriptVersion = '^5.9.3';
  try {
    const manifestPath = requireFromCore.resolve('typescript/package.json');
    typescriptFolder = dirname(manifestPath);
    typescriptVersion = `^${(JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string }).version}`;
  } catch {
    typescriptFolder = undefined;
  }
  const data = {
    kind: input.kind,
    id: input.name,
    packageName,
    description: kindTemplate.description,
    options: kindTemplate.options,
    typescript,
    entry: typescript ? './dist/index.js' : './index.js',
    pluginImport: typescript ? '../dist/index.js' : '../index.js',
    coreSpecifier: `file:${core}`,
    peerRange: `^${coreManifest.version}`,
    typescriptRange: typescriptVersion,
  };
  const outputs: Array<[string, string]> = [
    ['package.json', join(templates, 'shared', 'package.json.hbs')],
    ['README.md', join(templates, 'shared', 'README.md.hbs')],
    ['.gitignore', join(templates, 'shared', 'gitignore.hbs')],
    ['test/plugin.test.js', join(templates, 'shared', 'plugin.test.js.hbs')],
    ...(typescript
      ? ([
          ['src/index.ts', join(templates, input.kind, 'index.ts.hbs')],
          ['tsconfig.json', join(templates, 'shared', 'tsconfig.json.hbs')],
        ] as Array<[string, string]>)
      : ([['index.js', join(templates, input.kind, 'index.js.hbs')]] as Array<[string, string]>)),
  ];
  const rendered = outputs.map(([file, template]) => [file, render(template, data)] as const);
  for (const [file, text] of rendered) {
    mkdirSync(dirname(join(directory, file)), { recursive: true });
    writeFileSync(join(directory, file), text);
  }
  const linked = ['@advbench/core'];
  link(core, join(directory, 'node_modules', '@advbench', 'core'));
  const missing: string[] = [];
  if (typescript) {
    if (typescriptFolder) {
      link(typescriptFolder, join(directory, 'node_modules', 'typescript'));
      mkdirSync(join(directory, 'node_modules', '.bin'), { recursive: true });
      symlinkSync(join('..', 'typescript', 'bin', 'tsc'), join(directory, 'node_modules', '.bin', 'tsc'));
      linked.push('typescript');
    } else {
      missing.push('typescript');
    }
  }
  return { directory, files: rendered.map(([file]) => file), linked, missing };
}
