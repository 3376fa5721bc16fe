import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { loadConfig } from '../../src/config/index.js';
import { dumpDifferences, loadDump } from '../../src/dump/check.js';
import type { SchemaObject } from '../../src/dump/catalog.js';
import { dump } from '../../src/dump/dump.js';
import { orderStatements, type RenderedStatement } from '../../src/dump/render.js';
import { describeChange } from '../../src/verify/snapshot.js';
import { sharedPath } from '../helpers/shared.js';

const CORPUS = sharedPath('corpus');
const FEATURES = fileURLToPath(new URL('../fixtures/dump/features/', import.meta.url));
const TRACKING = { schema: 'public', table: 'sqlmig_migrations' };
const WORDS = { added: 'only in the loaded dump', removed: 'missing from the loaded dump', changed: 'differs' };

/** Dumps `dir` twice and loads the dump into an empty PGlite: the two texts and how the loaded schema differs. */
async function roundTrip(dir: string) {
  const config = { ...(await loadConfig({ cwd: dir, env: {} })), dir };
  const first = await dump({ config, cwd: dir });
  const second = await dump({ config, cwd: dir });
  const loaded = await loadDump(first.sql, TRACKING);
  const differences = dumpDifferences(first.catalog.snapshot, loaded).map((change) => describeChange(change, WORDS));
  return { first, second, differences };
}

function statement(key: string, rank: number, dependsOn: string[] = []): RenderedStatement {
  return { key, object: key.replace(/ #.*$/, ''), rank, dependsOn, sql: `-- ${key}` };
}

describe('dependency order (pure)', () => {
  it('puts what a statement depends on first, and otherwise rank, then name', () => {
    const ordered = orderStatements([
      statement('view public.a_summary', 10, ['view public.z_orders']),
      statement('view public.z_orders', 10, ['table public.orders']),
      statement('table public.orders', 5, ['type public.mood']),
      statement('type public.mood', 2),
      statement('table public.b', 5),
    ]);
    expect(ordered.map((s) => s.key)).toEqual(['type public.mood', 'table public.b', 'table public.orders', 'view public.z_orders', 'view public.a_summary']);
  });

  it('puts later parts of an object after it, and breaks a cycle at its lowest-ranked statement', () => {
    const ordered = orderStatements([
      statement('sequence public.s #owned by', 6, ['sequence public.s', 'table public.t']),
      statement('table public.t', 5, ['sequence public.s', 'function public.f()']),
      statement('sequence public.s', 4),
      statement('function public.f()', 3, ['table public.t']),
    ]);
    expect(ordered.map((s) => s.key)).toEqual(['sequence public.s', 'function public.f()', 'table public.t', 'sequence public.s #owned by']);
  });
});

describe('sqlmig dump', () => {
  it('writes every kind of object, in dependency order, and the dump loads back to the same schema', async () => {
    const { first, second, differences } = await roundTrip(FEATURES);
    expect(second.sql).toBe(first.sql);
    expect(differences).toEqual([]);
    const { sql } = first;
    const at = (text: string) => {
      const index = sql.indexOf(text);
      expect(index, text).toBeGreaterThanOrEqual(0);
      return index;
    };
    expect(sql).toMatch(/^-- sqlmig:dump migrations=[0-9a-f]{64} to=3$/m);
    // Dependencies first, whatever the names: the function over orders' row type after orders, a_summary after z_big_orders.
    expect(at('CREATE TABLE public.orders (')).toBeLessThan(at('CREATE OR REPLACE FUNCTION public.doubled_total(o orders)'));
    expect(at('CREATE VIEW public.z_big_orders AS')).toBeLessThan(at('CREATE VIEW public.a_summary AS'));
    // Foreign keys in a circle: both tables, then both constraints.
    expect(at('CREATE TABLE public.b (')).toBeLessThan(at('ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES b(id) DEFERRABLE INITIALLY DEFERRED;'));
    // Quoted names, comments with quotes, a function body's comment and line breaks kept.
    expect(sql).toContain('CREATE TABLE "App Data"."User" (\n    id bigint GENERATED ALWAYS AS IDENTITY,\n    "e.mail" text COLLATE pg_catalog."C" NOT NULL,');
    expect(sql).toContain(`COMMENT ON TABLE "App Data"."User" IS 'people''s accounts';`);
    expect(sql).toContain("-- a comment in the body: its line break must survive\n$function$;");
    // A partition attached with no defaults of its own keeps none; its index is attached to the parent's.
    expect(sql).toContain('ALTER TABLE ONLY public.events_old ALTER COLUMN kind DROP DEFAULT;');
    expect(sql).toContain('ALTER INDEX public.events_kind ATTACH PARTITION public.events_old_kind_idx;');
    expect(sql).toContain('ALTER TABLE public.orders DISABLE TRIGGER orders_touch;');
    expect(sql).toContain('ALTER SEQUENCE public.ticket_seq OWNED BY public.tickets.id;');
    // No tracking table, owners, privileges, cloned triggers or a range type's constructors.
    expect(sql).not.toMatch(/sqlmig_migrations|OWNER TO|GRANT |REVOKE |events_2024 FOR EACH ROW|FUNCTION public\.float_range\(/);
  });

  // A representative subset of the corpus (scripts/dump-corpus.mjs runs all of it): enums, functions, partial
  // and expression indexes, unlogged tables (river); a project in its own schema conventions (openfga).
  it.each(['riverqueue__river', 'openfga__openfga'])('%s: two dumps are byte-identical and load back to the same snapshot', async (project) => {
    const { first, second, differences } = await roundTrip(join(CORPUS, project));
    expect(second.sql).toBe(first.sql);
    expect(differences).toEqual([]);
    expect(first.catalog.objects.length).toBeGreaterThan(40);
  });
});

describe('sqlmig dump (CLI) and dumpSchema', () => {
  const projects: Project[] = [];
  afterAll(async () => {
    await Promise.all(projects.map((project) => project.cleanup()));
  });
  const project = async (config: Record<string, unknown> = {}) => {
    const created = await createProject({ config });
    projects.push(created);
    return created;
  };

  it('prints the dump on stdout, writes it with -o, and stops at --to', async () => {
    const p = await project();
    await p.write('0001_users.up.sql', 'CREATE TABLE users (id bigint PRIMARY KEY);');
    await p.write('0002_orders.up.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));');
    const printed = await cli(p, ['dump']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('CREATE TABLE public.orders (');
    const partial = await cli(p, ['dump', '--to', '1', '-o', 'schema.sql']);
    expect(partial.code).toBe(0);
    expect(partial.stderr).toMatch(/^wrote schema\.sql: 1 object \(migrations up to 0001, applied in PGlite in memory\)$/m);
    const written = await readFile(join(p.dir, 'schema.sql'), 'utf8');
    expect(written).toMatch(/ to=1\n/);
    expect(written).not.toContain('orders');
  });

  it('a file that fails is reported at its line and column (exit 1)', async () => {
    const p = await project();
    await p.write('0001_users.up.sql', 'CREATE TABLE users (id bigint PRIMARY KEY);\nSELECT * FROM missing_table;');
    const result = await cli(p, ['dump']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/0001_users\.up\.sql:2:15: .*missing_table/);
    expect(result.stdout).toBe('');
  });

  it('dumpSchema: `new` writes it, lint reports it stale after an edit, `up` rewrites it', async () => {
    const p = await project({ dumpSchema: 'schema.sql', databaseUrl: 'pglite://./.sqlmig/pglite' });
    await cp(join(FEATURES, '0001_base.up.sql'), join(p.sqlDir, '0001_base.up.sql'));
    const created = await cli(p, ['new', 'add tickets']);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('wrote schema.sql (dumpSchema)');
    expect(await cli(p, ['lint', '--format', 'json'])).toMatchObject({ stdout: expect.not.stringContaining('stale-schema-dump') });

    await p.write('0002_add_tickets.up.sql', 'CREATE TABLE IF NOT EXISTS tickets (id bigint PRIMARY KEY);');
    const stale = await cli(p, ['lint', '--format', 'json']);
    const findings = (JSON.parse(stale.stdout) as { diagnostics: { rule: string; file: string; line: number; message: string }[] }).diagnostics;
    expect(findings.filter((d) => d.rule === 'stale-schema-dump')).toEqual([
      expect.objectContaining({ file: 'schema.sql', line: 3, message: 'schema.sql no longer matches the migrations: an up file up to 0002 changed after it was written' }),
    ]);

    const up = await cli(p, ['up', '--no-lint']);
    expect(up.code).toBe(0);
    expect(up.stderr).toContain('wrote schema.sql (dumpSchema)');
    expect(await readFile(join(p.dir, 'schema.sql'), 'utf8')).toContain('CREATE TABLE public.tickets (');
  });
});
