/** Every sidecar ends with this; it is also how the function recognises its own outputs. */
export const SIDECAR_SUFFIX = '.md5';

export function sidecarKey(key: string): string {
  return `${key}${SIDECAR_SUFFIX}`;
}

/**
 * One line in the format `md5sum -c` reads: `<hex>  <name>\n`. The name is the key's basename,
 * because the sidecar sits beside its object. Like GNU md5sum, a name holding a backslash or a
 * line break is escaped and the line starts with a backslash, so any key still verifies.
 */
export function sidecarLine(hex: string, key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (!/[\\\n\r]/.test(name)) return `${hex}  ${name}\n`;
  const escaped = name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `\\${hex}  ${escaped}\n`;
}
