/**
 * The valid name a misspelt one most likely meant: the one sharing the longest start plus end
 * with it (`prefx` -> `prefix`, `ouput_prefix` -> `output_prefix`, `sufix` -> `suffix`), or
 * undefined when none shares at least half of it. Terraform computes the same score in
 * locals.tf (it has no edit distance), so both worlds suggest the same field.
 */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const candidate of [...candidates].sort()) {
    const score = similarity(name, candidate);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return bestScore * 2 >= name.length ? best : undefined;
}

/** Common prefix length plus common suffix length, at most the shorter length. */
export function similarity(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  let start = 0;
  while (start < shorter && a[start] === b[start]) start++;
  let end = 0;
  while (end < shorter && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return Math.min(start + end, shorter);
}

/** `unknown field "prefx" (did you mean "prefix"?)`, the one sentence both worlds print. */
export function unknownField(name: string, valid: readonly string[]): string {
  const guess = nearest(name, valid);
  return guess
    ? `unknown field "${name}" (did you mean "${guess}"?)`
    : `unknown field "${name}" (valid fields: ${[...valid].sort().join(', ')})`;
}
