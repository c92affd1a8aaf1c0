/**
 * Just enough HCL to document a Terraform module: the `variable` and `output` blocks of a file
 * and their top-level attributes as source text. terraform-docs cannot be installed here, and
 * the files only need tokens, not evaluation: once strings, heredocs and comments are single
 * tokens, a bracket inside one of them can no longer unbalance a block.
 * Assumes the file parses with terraform (test-terraform.sh runs validate and fmt).
 */

type TokenKind =
  'string' | 'heredoc' | 'comment' | 'newline' | 'open' | 'close' | 'equals' | 'text';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Whitespace came before it on its line; kept when an expression is printed. */
  spaced: boolean;
  line: number;
}

export interface Variable {
  name: string;
  type: string;
  /** undefined: the variable is required. */
  default: string | undefined;
  description: string;
}

export interface Output {
  name: string;
  description: string;
}

type Block = { kind: 'block'; type: string; labels: string[]; body: Token[]; line: number };
type Item = { kind: 'attribute'; name: string; value: Token[] } | Block;

const IDENT = /^[A-Za-z_][\w-]*$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
const HEREDOC_START = /<<(-?)([A-Za-z_][\w-]*)\r?\n/y;

class HclError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

export function parseVariables(source: string): Variable[] {
  return blocksOf(source, 'variable').map(({ name, attributes }) => ({
    name,
    // Terraform's own default when a variable declares no type.
    type: attributes.type ? printExpression(attributes.type) : 'any',
    default: attributes.default && printExpression(attributes.default),
    description: attributes.description ? textOf(attributes.description) : '',
  }));
}

export function parseOutputs(source: string): Output[] {
  return blocksOf(source, 'output').map(({ name, attributes }) => ({
    name,
    description: attributes.description ? textOf(attributes.description) : '',
  }));
}

/** Blocks of one type with their attributes; nested blocks (validation, precondition) are dropped. */
function blocksOf(source: string, type: string) {
  return items(tokenize(source))
    .filter((item): item is Block => item.kind === 'block' && item.type === type)
    .map((block) => {
      const attributes: Record<string, Token[]> = {};
      for (const inner of items(block.body)) {
        if (inner.kind === 'attribute') attributes[inner.name] = inner.value;
      }
      if (block.labels.length !== 1) throw new HclError(block.line, `${type} needs one label`);
      return { name: block.labels[0]!, attributes };
    });
}

// ------------------------------------------------------------------ tokens --

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let spaced = false;
  const push = (kind: TokenKind, end: number) => {
    const text = source.slice(i, end);
    tokens.push({ kind, text, spaced, line });
    line += text.split('\n').length - 1;
    i = end;
    spaced = false;
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      spaced = true;
    } else if (c === '\n') push('newline', i + 1);
    else if (c === '#' || source.startsWith('//', i)) push('comment', lineEnd(source, i));
    else if (source.startsWith('/*', i)) push('comment', blockCommentEnd(source, i, line));
    else if (c === '"') push('string', endOfString(source, i, line));
    else if (isHeredocStart(source, i)) push('heredoc', endOfHeredoc(source, i, line));
    else if ('{[('.includes(c)) push('open', i + 1);
    else if ('}])'.includes(c)) push('close', i + 1);
    else if (isLoneEquals(source, i)) push('equals', i + 1);
    else push('text', endOfText(source, i));
  }
  return tokens;
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf('\n', from);
  return end === -1 ? source.length : end;
}

function blockCommentEnd(source: string, from: number, line: number): number {
  const end = source.indexOf('*/', from + 2);
  if (end === -1) throw new HclError(line, 'unterminated /* comment');
  return end + 2;
}

/** `=` of an attribute, not part of `==`, `!=`, `<=`, `>=` or `=>`. */
function isLoneEquals(source: string, i: number): boolean {
  return (
    source[i] === '=' &&
    !'=>'.includes(source[i + 1] ?? '') &&
    !'=!<>'.includes(source[i - 1] ?? '')
  );
}

function isHeredocStart(source: string, i: number): boolean {
  HEREDOC_START.lastIndex = i;
  return HEREDOC_START.test(source);
}

/** Text runs until anything that starts another kind of token. */
function endOfText(source: string, from: number): number {
  let i = from + 1;
  while (i < source.length && !startsToken(source, i)) i++;
  return i;
}

function startsToken(source: string, i: number): boolean {
  const c = source[i]!;
  return (
    /\s/.test(c) ||
    '"{}[]()#'.includes(c) ||
    isLoneEquals(source, i) ||
    source.startsWith('//', i) ||
    source.startsWith('/*', i) ||
    isHeredocStart(source, i)
  );
}

/** End of a quoted string, stepping over `${ ... }` templates (which may hold strings of their own). */
function endOfString(source: string, from: number, line: number): number {
  let i = from + 1;
  while (i < source.length) {
    const c = source[i]!;
    const templateStart = (c === '$' || c === '%') && source[i + 1] === '{';
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if (c === '\n') break;
    // `$${` and `%%{` are literal text, not templates.
    else if ((c === '$' || c === '%') && source[i + 1] === c && source[i + 2] === '{') i += 3;
    else if (templateStart) i = endOfTemplate(source, i + 1, line);
    else i++;
  }
  throw new HclError(line, 'unterminated string');
}

function endOfTemplate(source: string, brace: number, line: number): number {
  let depth = 0;
  let i = brace;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '"') {
      i = endOfString(source, i, line);
      continue;
    }
    if (c === '{') depth++;
    if (c === '}' && --depth === 0) return i + 1;
    i++;
  }
  throw new HclError(line, 'unterminated ${ template');
}

/** A heredoc ends at the line holding only its marker; that line is part of the token. */
function endOfHeredoc(source: string, from: number, line: number): number {
  HEREDOC_START.lastIndex = from;
  const [opening, , marker] = HEREDOC_START.exec(source)!;
  let start = from + opening.length;
  while (start < source.length) {
    const end = lineEnd(source, start);
    if (source.slice(start, end).trim() === marker) return end;
    start = end + 1;
  }
  throw new HclError(line, `heredoc ${marker} never ends`);
}

// ------------------------------------------------------------------- items --

/** Attributes (`name = expression`, up to the end of its line) and blocks of one body. */
function items(tokens: Token[]): Item[] {
  const out: Item[] = [];
  let i = 0;
  while (i < tokens.length) {
    const first = tokens[i]!;
    if (first.kind === 'newline' || first.kind === 'comment') {
      i++;
      continue;
    }
    if (first.kind !== 'text' || !IDENT.test(first.text)) {
      throw new HclError(first.line, `expected an attribute or a block, found ${first.text}`);
    }
    if (tokens[i + 1]?.kind === 'equals') {
      const end = endOfLine(tokens, i + 2);
      out.push({ kind: 'attribute', name: first.text, value: tokens.slice(i + 2, end) });
      i = end;
      continue;
    }
    let open = i + 1;
    while (tokens[open]?.kind === 'string' || tokens[open]?.kind === 'text') open++;
    if (tokens[open]?.text !== '{') {
      throw new HclError(first.line, `expected { after ${first.text}`);
    }
    const close = matchingClose(tokens, open);
    const labels = tokens
      .slice(i + 1, open)
      .map((t) => (t.kind === 'string' ? unquote(t.text) : t.text));
    const body = tokens.slice(open + 1, close);
    out.push({ kind: 'block', type: first.text, labels, body, line: first.line });
    i = close + 1;
  }
  return out;
}

/** Index of the newline that ends the expression starting at `from` (brackets may span lines). */
function endOfLine(tokens: Token[], from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const kind = tokens[i]!.kind;
    if (kind === 'open') depth++;
    else if (kind === 'close') depth--;
    else if (kind === 'newline' && depth === 0) return i;
  }
  return tokens.length;
}

function matchingClose(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const kind = tokens[i]!.kind;
    if (kind === 'open') depth++;
    else if (kind === 'close' && --depth === 0) return i;
  }
  throw new HclError(tokens[open]!.line, `${tokens[open]!.text} is never closed`);
}

// ----------------------------------------------------------------- printing --

/**
 * An expression on one line: object lines joined by commas, comments dropped. With
 * `objectNamesOnly`, an object shows its attribute names only (`{ a, b }`).
 */
export function printExpression(tokens: Token[], objectNamesOnly = false): string {
  let out = '';
  let previous: Token | undefined;
  let lineBroke = false;
  const groups: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'comment') continue;
    if (token.kind === 'newline') {
      lineBroke = true;
      continue;
    }
    if (token.kind === 'close') {
      // HCL allows a trailing comma; one line does not need it.
      out = out.replace(/,$/, '');
      out += token.text === '}' && previous?.kind !== 'open' ? ' }' : token.text;
      groups.pop();
    } else {
      if (previous?.kind === 'open') out += previous.text === '{' ? ' ' : '';
      // Newlines separate object attributes; in one line, a comma does.
      else if (lineBroke && groups.at(-1) === '{' && !previous?.text.endsWith(',')) out += ', ';
      else if (previous && (token.spaced || lineBroke)) out += ' ';
      if (token.kind === 'open' && token.text === '{' && objectNamesOnly) {
        const close = matchingClose(tokens, i);
        const names = attributeNames(tokens.slice(i + 1, close));
        out += names.length ? `{ ${names.join(', ')} }` : '{}';
        i = close;
        previous = tokens[close];
        lineBroke = false;
        continue;
      }
      out += token.text;
      if (token.kind === 'open') groups.push(token.text);
    }
    previous = token;
    lineBroke = false;
  }
  return out;
}

/** Names of the attributes directly inside an object's braces. */
function attributeNames(tokens: Token[]): string[] {
  const names: string[] = [];
  let depth = 0;
  tokens.forEach((token, i) => {
    if (token.kind === 'open') depth++;
    else if (token.kind === 'close') depth--;
    else if (depth === 0 && tokens[i + 1]?.kind === 'equals') {
      names.push(token.kind === 'string' ? unquote(token.text) : token.text);
    }
  });
  return names;
}

/** A description's text: a string or heredoc as Terraform reads it, anything else as source. */
function textOf(tokens: Token[]): string {
  const meaningful = tokens.filter((t) => t.kind !== 'comment' && t.kind !== 'newline');
  const only = meaningful.length === 1 ? meaningful[0]! : undefined;
  if (only?.kind === 'string') return unquote(only.text);
  if (only?.kind === 'heredoc') return heredocText(only.text);
  return printExpression(tokens);
}

function unquote(literal: string): string {
  return literal
    .slice(1, -1)
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{')
    .replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_, escape: string) => {
      if (escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
      return ESCAPES[escape] ?? escape;
    });
}

/** `<<-` strips the indentation all lines share, as Terraform does. */
function heredocText(token: string): string {
  const lines = token.split('\n');
  const indented = lines[0]!.startsWith('<<-');
  const body = lines.slice(1, -1);
  if (!indented) return body.join('\n');
  const indent = Math.min(
    ...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length),
  );
  return body.map((l) => l.slice(indent)).join('\n');
}
