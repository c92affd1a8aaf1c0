import {
  BEGIN,
  END,
  REGENERATE,
  parseOutputs,
  parseVariables,
  renderSection,
  shortType,
  spliceSection,
  staleReadmes,
} from '../module-docs';

const VARIABLES_TF = `
variable "limits" {
  description = "Per-kind limits for <kind>; see \\"docs\\"."
  type = object({
    memory_mb = optional(number, 512) # MB, and a { in a comment
    tags      = optional(map(string), {})
  })
  default = {}

  validation {
    condition     = var.limits.memory_mb >= 128
    error_message = "description = \\"not this one\\" {"
  }
}

variable "labels" {
  description = <<-EOT
    Labels added to
    every resource.
  EOT
  type        = map(string)
  default = {
    team = "data"
    tier = "gold"
  }
}

variable "name" {
  type        = string
  description = "Required: \${var.project}-<name>."
}
`;

const OUTPUTS_TF = `
output "arn" {
  description = "The ARN | with a pipe."
  value       = "arn:\${var.name}:{x}"
}
`;

describe('scripts/module-docs.ts', () => {
  it(`finds every README's tables current (else run: ${REGENERATE})`, async () => {
    // Act
    const stale = await staleReadmes();

    // Assess
    expect(stale).toEqual([]);
  });

  it('reads variables: a multi-line object type, a map default, a required one; validation ignored', () => {
    // Act
    const variables = parseVariables(VARIABLES_TF);

    // Assess
    expect(variables).toEqual([
      {
        name: 'limits',
        type: 'object({ memory_mb = optional(number, 512), tags = optional(map(string), {}) })',
        default: '{}',
        description: 'Per-kind limits for <kind>; see "docs".',
      },
      {
        name: 'labels',
        type: 'map(string)',
        default: '{ team = "data", tier = "gold" }',
        description: 'Labels added to\nevery resource.',
      },
      {
        name: 'name',
        type: 'string',
        default: undefined,
        description: 'Required: ${var.project}-<name>.',
      },
    ]);
  });

  it('reads outputs', () => {
    // Act
    const outputs = parseOutputs(OUTPUTS_TF);

    // Assess
    expect(outputs).toEqual([{ name: 'arn', description: 'The ARN | with a pipe.' }]);
  });

  it('renders table rows with pipes and HTML-like words escaped', () => {
    // Act
    const section = renderSection(parseVariables(VARIABLES_TF), parseOutputs(OUTPUTS_TF));

    // Assess
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toEqual([
      '| `limits` | `object({ memory_mb = optional(number, 512), tags = optional(map(string), {}) })` | `{}` | Per-kind limits for \\<kind>; see "docs". |',
      '| `labels` | `map(string)` | `{ team = "data", tier = "gold" }` | Labels added to every resource. |',
      '| `name` | `string` | required | Required: ${var.project}-\\<name>. |',
      '| `arn` | The ARN \\| with a pipe. |',
    ]);
  });

  it('names only the attributes of a type too long for a table cell', () => {
    // Arrange
    const fields = Array.from({ length: 12 }, (_, i) => `field_${i} = optional(string, "x")`);

    // Act
    const short = shortType(`map(object({ ${fields.join(', ')} }))`);

    // Assess
    expect(short).toBe(
      `map(object({ ${Array.from({ length: 12 }, (_, i) => `field_${i}`).join(', ')} }))`,
    );
  });

  it('replaces only the generated section, keeping the prose above it', () => {
    // Arrange
    const readme = `# m\n\nProse.\n\n${BEGIN}\nold\n${END}\n`;

    // Act
    const spliced = spliceSection(readme, `${BEGIN}\nnew\n${END}`);

    // Assess
    expect(spliced).toBe(`# m\n\nProse.\n\n${BEGIN}\nnew\n${END}\n`);
    expect(spliceSection('# m\n\nProse.\n', 'section')).toBe('# m\n\nProse.\n\nsection\n');
  });
});
