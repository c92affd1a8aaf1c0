/**
 * Sets `vars` in process.env before the file's first test and puts every one back after its
 * last. Handlers parse their config when their module loads, so a test file calls this and then
 * imports the handler in its own beforeAll.
 */
export function useEnvironment(vars: Record<string, string>): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries(vars)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}
