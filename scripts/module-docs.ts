/**
 * Writes the inputs and outputs tables of terraform/README.md and every
 * terraform/modules/<name>/README.md from the module's variables.tf and outputs.tf, between
 * the markers below; the prose above them stays hand-written. Tables written by hand drifted
 * from the code, and terraform-docs cannot be installed here.
 *
 * usage: tsx scripts/module-docs.ts [--check]
 *   --check  write nothing; exit 1 naming every README that is out of date
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { format } from 'prettier/standalone';
import * as markdownPlugin from 'prettier/plugins/markdown';
import {
  type Output,
  type Variable,
  parseOutputs,
  parseVariables,
  printExpression,
  tokenize,
} from './lib/hcl';

export { parseOutputs, parseVariables } from './lib/hcl';
export type { Output, Variable } from './lib/hcl';

export const BEGIN = '<!-- BEGIN GENERATED: module-docs -->';
export const END = '<!-- END GENERATED: module-docs -->';
export const REGENERATE = 'npx tsx scripts/module-docs.ts';
/** A longer type lists its object attributes by name only, so one type cannot swamp the table. */
export const TYPE_WIDTH = 180;

const repoRoot = join(__dirname, '..');

/** The root module first, then terraform/modules/* in name order. */
export function moduleDirs(root = repoRoot): string[] {
  const modules = join(root, 'terraform', 'modules');
  const children = readdirSync(modules)
    .sort()
    .map((name) => join(modules, name))
    .filter((dir) => existsSync(join(dir, 'variables.tf')) || existsSync(join(dir, 'outputs.tf')));
  return [join(root, 'terraform'), ...children];
}

export function renderSection(variables: Variable[], outputs: Output[]): string {
  const inputRows = variables.map((v) => [
    code(v.name),
    code(shortType(v.type)),
    v.default === undefined ? 'required' : code(v.default),
    prose(v.description),
  ]);
  const outputRows = outputs.map((o) => [code(o.name), prose(o.description)]);
  const shortened = variables.some((v) => shortType(v.type) !== v.type);
  return [
    BEGIN,
    `<!-- Written by scripts/module-docs.ts from variables.tf and outputs.tf: edit those, then run \`${REGENERATE}\`. -->`,
    '',
    '## Inputs',
    '',
    ...(shortened
      ? [
          `Types longer than ${TYPE_WIDTH} characters name their object attributes only; variables.tf has them in full.`,
          '',
        ]
      : []),
    ...table(['Name', 'Type', 'Default', 'Description'], inputRows),
    '',
    '## Outputs',
    '',
    ...table(['Name', 'Description'], outputRows),
    END,
  ].join('\n');
}

/** Replaces the generated section, or appends one to a README that has none yet. */
export function spliceSection(readme: string, section: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin === -1 && end === -1) return `${readme.trimEnd()}\n\n${section}\n`;
  if (begin === -1 || end < begin) {
    throw new Error(`${BEGIN} and ${END} must both be there, in order`);
  }
  return readme.slice(0, begin) + section + readme.slice(end + END.length);
}

/** What a module's README should hold, formatted as `prettier --check` expects it. */
export async function expectedReadme(dir: string, root = repoRoot): Promise<string> {
  const read = (file: string) =>
    existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '';
  const section = renderSection(
    parseVariables(read('variables.tf')),
    parseOutputs(read('outputs.tf')),
  );
  const readme = read('README.md') || `# ${basename(dir)}\n`;
  // The standalone build: prettier's main entry loads itself with import(), which jest's
  // CommonJS runtime refuses. It takes the repository's options from .prettierrc.json.
  const options = JSON.parse(readFileSync(join(root, '.prettierrc.json'), 'utf8'));
  return format(spliceSection(readme, section), {
    ...options,
    parser: 'markdown',
    plugins: [markdownPlugin],
  });
}

/** READMEs (relative to the repository) whose generated section is out of date. */
export async function staleReadmes(root = repoRoot): Promise<string[]> {
  const stale: string[] = [];
  for (const dir of moduleDirs(root)) {
    const path = join(dir, 'README.md');
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current !== (await expectedReadme(dir, root))) stale.push(relative(root, path));
  }
  return stale;
}

async function writeReadmes(root = repoRoot): Promise<string[]> {
  const written: string[] = [];
  for (const dir of moduleDirs(root)) {
    const path = join(dir, 'README.md');
    const expected = await expectedReadme(dir, root);
    if (existsSync(path) && readFileSync(path, 'utf8') === expected) continue;
    writeFileSync(path, expected);
    written.push(relative(root, path));
  }
  return written;
}

// ---------------------------------------------------------------- markdown --

export function shortType(type: string): string {
  return type.length <= TYPE_WIDTH ? type : printExpression(tokenize(type), true);
}

function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['None.'];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

/** A code span; a pipe must be escaped even inside one, or it splits the table cell. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const padding = fence.length > 1 ? ' ' : '';
  return `${fence}${padding}${text.replace(/\|/g, '\\|')}${padding}${fence}`;
}

/**
 * Description text on one line. Descriptions use backticks for code, so those spans are kept;
 * elsewhere `<word>` would be read as an HTML tag and `*` as emphasis.
 */
function prose(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\<*]/g, '\\$&')))
    .join('')
    .replace(/\|/g, '\\|');
}

// --------------------------------------------------------------------- cli --

async function main(args: string[]): Promise<number> {
  if (args.some((arg) => arg !== '--check')) {
    console.error('usage: tsx scripts/module-docs.ts [--check]');
    return 2;
  }
  if (args.includes('--check')) {
    const stale = await staleReadmes();
    for (const path of stale) console.error(`module-docs: out of date: ${path}`);
    if (stale.length) {
      console.error(`Regenerate with: ${REGENERATE}`);
      return 1;
    }
    console.log(`module-docs: ${moduleDirs().length} READMEs up to date.`);
    return 0;
  }
  const written = await writeReadmes();
  for (const path of written) console.log(`module-docs: wrote ${path}`);
  if (!written.length) console.log('module-docs: every README was up to date.');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
