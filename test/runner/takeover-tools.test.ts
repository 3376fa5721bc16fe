import { describe, expect, it } from 'vitest';
import { TOOL_TABLES } from '../../src/runner/takeover/tools.js';

/** What each tool's rows mean, on the cases the server tests (test/integration/takeover.test.ts) do not reach. */
describe('history tables: what the rows say', () => {
  it('goose: the newest row of a version decides; version 0 is goose\'s own', () => {
    const history = TOOL_TABLES.goose.read([
      { id: '1', version_id: '0', is_applied: true },
      { id: '2', version_id: '5', is_applied: true },
      { id: '3', version_id: '5', is_applied: false },
      { id: '4', version_id: '6', is_applied: true },
      { id: '5', version_id: '5', is_applied: true },
    ]);
    expect(history).toEqual({ applied: ['5', '6'], problems: [], notes: [] });
  });

  it('flyway: undo and delete rows take a version back; a failed undo refuses', () => {
    const row = (rank: number, version: string, type: string, success = true) => ({ installed_rank: String(rank), version, type, script: `${type}${version}`, success });
    expect(TOOL_TABLES.flyway.read([row(1, '1', 'SQL'), row(2, '2', 'SQL'), row(3, '2', 'UNDO_SQL'), row(4, '3', 'JDBC'), row(5, '3', 'DELETE')]).applied).toEqual(['1']);
    expect(TOOL_TABLES.flyway.read([row(1, '1', 'SQL'), row(2, '1', 'UNDO_SQL', false)]).problems).toHaveLength(1);
    expect(TOOL_TABLES.flyway.versionOf('007')).toEqual({ digits: '7' });
    expect(TOOL_TABLES.flyway.versionOf('1.1')).toEqual({ reason: 'Flyway version "1.1" is not a whole number' });
  });

  it('prisma: rolled back and never applied since refuses; failed then applied is applied', () => {
    const row = (name: string, finished: boolean, rolledBack: boolean) => ({ migration_name: name, finished, rolled_back: rolledBack });
    const rolledBack = TOOL_TABLES.prisma.read([row('20240101_a', true, false), row('20240102_b', false, true), row('20240103_c', true, false)]);
    expect(rolledBack.applied).toEqual(['20240101_a', '20240103_c']);
    expect(rolledBack.problems.map((p) => p.message)).toEqual(['_prisma_migrations says 20240102_b was rolled back and never applied since']);
    expect(TOOL_TABLES.prisma.read([row('20240102_b', false, true), row('20240102_b', true, false)])).toEqual({ applied: ['20240102_b'], problems: [], notes: [] });
  });

  it('golang-migrate and alembic: an empty table takes over nothing; several rows refuse', () => {
    expect(TOOL_TABLES['golang-migrate'].read([])).toEqual({ applied: [], problems: [], notes: [] });
    expect(TOOL_TABLES['golang-migrate'].read([{ version: '1', dirty: false }, { version: '2', dirty: false }]).problems[0]!.message).toContain('has 2 rows');
    expect(TOOL_TABLES.alembic.read([])).toEqual({ applied: [], problems: [], notes: [], through: undefined });
    expect(TOOL_TABLES.alembic.read([{ version_num: 'a1' }, { version_num: 'b2' }]).problems[0]!.message).toBe(
      'alembic_version has 2 heads (a1, b2): the database is on several branches at once',
    );
  });

  it('diesel and prisma map their ids to the folder\'s version digits', () => {
    expect(TOOL_TABLES.diesel.versionOf('2024-01-01-120000')).toEqual({ digits: '20240101120000' });
    expect(TOOL_TABLES.prisma.versionOf('20240101120000_init')).toEqual({ digits: '20240101120000' });
    expect(TOOL_TABLES.prisma.versionOf('init')).toMatchObject({ reason: expect.stringContaining('does not start with a timestamp') });
  });
});
