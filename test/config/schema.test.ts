import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../src/config/defaults.js';
import { interpolateStrings } from '../../src/config/interpolate.js';
import { parseJson } from '../../src/config/json-parse.js';
import {
  configSpec,
  DURATION_PATTERN,
  IDENTIFIER_MAX_LENGTH,
  IDENTIFIER_PATTERN,
  POSTGRES_VERSION_PATTERN,
  SEVERITIES,
  validateConfig,
  type FieldSpec,
} from '../../src/config/validate.js';

interface SchemaNode {
  $ref?: string;
  description?: string;
  type?: string;
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  enum?: unknown[];
  default?: unknown;
  anyOf?: SchemaNode[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  definitions?: Record<string, SchemaNode>;
}

const schema = JSON.parse(readFileSync(new URL('../../schema.json', import.meta.url), 'utf8')) as SchemaNode;

function resolve(node: SchemaNode): SchemaNode {
  if (node.$ref === undefined) return node;
  const name = node.$ref.replace('#/definitions/', '');
  const target = schema.definitions?.[name];
  if (target === undefined) throw new Error(`unresolved ${node.$ref}`);
  return target;
}

function branches(node: SchemaNode): SchemaNode[] {
  return (node.anyOf ?? []).map(resolve);
}

/** Fails when schema.json and the validator's configSpec disagree at `path`. */
function expectInStep(node: SchemaNode, spec: FieldSpec, path: string): void {
  expect(node.description, `${path}: description`).toMatch(/\S/);
  switch (spec.kind) {
    case 'object':
      expect(node.type, path).toBe('object');
      expect(node.additionalProperties, `${path}: additionalProperties`).toBe(false);
      expect(Object.keys(node.properties ?? {}), `${path}: keys`).toEqual(Object.keys(spec.fields));
      for (const [key, field] of Object.entries(spec.fields)) expectInStep(node.properties![key]!, field, `${path}.${key}`);
      return;
    case 'entries':
      expect(node.type, path).toBe('object');
      expect(typeof node.additionalProperties, `${path}: additionalProperties`).toBe('object');
      expectInStep(node.additionalProperties as SchemaNode, spec.of, `${path}.*`);
      return;
    case 'text':
      expect(node, path).toMatchObject({ type: 'string' });
      expect(node.pattern, path).toBeUndefined();
      return;
    case 'identifier':
      expect(branches(node), path).toEqual([
        expect.objectContaining({ type: 'string', pattern: IDENTIFIER_PATTERN.source, maxLength: IDENTIFIER_MAX_LENGTH }),
        expect.objectContaining({ type: 'string', pattern: '\\$\\{' }),
      ]);
      return;
    case 'duration':
      expect(branches(node), path).toEqual([
        { type: 'null' },
        expect.objectContaining({ type: 'string', pattern: DURATION_PATTERN.source }),
        expect.objectContaining({ type: 'string', pattern: '\\$\\{' }),
      ]);
      return;
    case 'seconds':
      expect(node, path).toMatchObject({ type: 'number', minimum: 0 });
      return;
    case 'postgresVersion':
      expect(branches(node), path).toEqual([
        { type: 'integer', minimum: 9 },
        { type: 'string', pattern: POSTGRES_VERSION_PATTERN.source },
      ]);
      return;
    case 'textList':
      expect(node, path).toMatchObject({ type: 'array', items: { type: 'string' } });
      return;
    case 'choice':
      expect(node, path).toMatchObject({ type: 'string', enum: spec.values });
      return;
    case 'severities':
      expect(node.type, path).toBe('object');
      expect(resolve(node.additionalProperties as SchemaNode).enum, path).toEqual(SEVERITIES);
      return;
  }
}

describe('schema.json and the validator are in step', () => {
  it('has the same keys, kinds and patterns at every level, and a description on every key', () => {
    expectInStep(schema, configSpec, '(root)');
  });

  it('states the defaults the loader uses', () => {
    const { lint, ...topLevel } = configDefaults;
    const properties = schema.properties!;
    const withDefault = Object.keys(properties).filter((key) => 'default' in properties[key]!);
    expect(withDefault).toEqual(Object.keys(topLevel));
    for (const [key, value] of Object.entries(topLevel)) expect(properties[key]!.default, key).toEqual(value);
    const lintProperties = properties.lint!.properties!;
    for (const [key, value] of Object.entries(lint)) expect(lintProperties[key]!.default, `lint.${key}`).toEqual(value);
  });

  it('accepts the example configuration of DESIGN.md §3', () => {
    const text = `{
      "$schema": "./node_modules/sqlmig/schema.json",
      "dir": "sql",
      "databaseUrl": "\${DATABASE_URL}",
      "schema": "public",
      "table": "sqlmig_migrations",
      "lockTimeout": "10s",
      "lockWait": 60,
      "statementTimeout": null,
      "lint": { "rules": { "status-column-varchar": "error", "destructive-change": "warn" },
                "knownTables": ["auth.users"] },
      "environments": { "prod": { "databaseUrl": "\${PROD_DATABASE_URL}" } }
    }`;
    const parsed = parseJson(text, 'example.json');
    const env = { DATABASE_URL: 'postgres://localhost/app', PROD_DATABASE_URL: 'postgres://prod/app' };
    expect(validateConfig({ ...parsed, ...interpolateStrings(parsed, env, 'example.json') }, 'example.json')).toEqual({
      $schema: './node_modules/sqlmig/schema.json',
      dir: 'sql',
      databaseUrl: 'postgres://localhost/app',
      schema: 'public',
      table: 'sqlmig_migrations',
      lockTimeout: '10s',
      lockWait: 60,
      statementTimeout: null,
      lint: { rules: { 'status-column-varchar': 'error', 'destructive-change': 'warn' }, knownTables: ['auth.users'] },
      environments: { prod: { databaseUrl: 'postgres://prod/app' } },
    });
  });
});
