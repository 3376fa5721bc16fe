/**
 * JSON paths as a person reads them: `lint.rules.require-down`,
 * `lint.knownTables[0]`, `environments["eu west"]`. The parser records
 * locations under these paths and validation errors name them.
 */
export function memberPath(parent: string, key: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function itemPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
