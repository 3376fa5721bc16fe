import { describe, expect, it } from 'vitest';
import { describeChange, diffSnapshots, type CatalogObject } from '../../src/verify/snapshot.js';

const words = { added: 'left behind', removed: 'missing', changed: 'changed' };

function object(kind: CatalogObject['kind'], name: string, properties: CatalogObject['properties'] = {}, parent: string | null = null): CatalogObject {
  return { kind, name, parent, properties };
}

describe('diffSnapshots', () => {
  it('names an added or removed table once, not each of its members', () => {
    const users = object('table', 'public.users');
    const email = object('column', 'public.users.email', { type: 'text' }, 'table public.users');
    const key = object('constraint', 'public.users.users_pkey', { definition: 'PRIMARY KEY (id)' }, 'table public.users');
    const keyIndex = object('index', 'public.users_pkey', { definition: 'CREATE UNIQUE INDEX …' }, 'constraint public.users.users_pkey');
    const lines = diffSnapshots([users, email, key, keyIndex], []).map((change) => describeChange(change, words));
    expect(lines).toEqual(['missing: table public.users']);
  });

  it('names the constraint, not the index behind it, when a constraint is left behind', () => {
    const key = object('constraint', 'public.users.users_pkey', { definition: 'PRIMARY KEY (id)' }, 'table public.users');
    const keyIndex = object('index', 'public.users_pkey', { definition: 'CREATE UNIQUE INDEX …' }, 'constraint public.users.users_pkey');
    expect(diffSnapshots([], [key, keyIndex]).map((change) => describeChange(change, words))).toEqual([
      'left behind: constraint public.users.users_pkey',
    ]);
  });
});

describe('describeChange', () => {
  it('shows short values whole, and (none) for a value that is not set', () => {
    const before = object('column', 'public.posts.status', { type: 'text', default: null });
    const after = object('column', 'public.posts.status', { type: 'character varying(255)', default: "'draft'::character varying" });
    expect(diffSnapshots([before], [after]).map((change) => describeChange(change, words))).toEqual([
      'changed: column public.posts.status type text → character varying(255)',
      "changed: column public.posts.status default (none) → 'draft'::character varying",
    ]);
  });

  it('shows long values around their first difference', () => {
    const body = (cutoff: string) => ` SELECT id,\n    title\n   FROM posts\n  WHERE published < ('${cutoff}'::timestamp without time zone - '1 mon'::interval) AND NOT deleted;`;
    const before = object('view', 'public.recent', { definition: body('2024-05-01 10:00:00') });
    const after = object('view', 'public.recent', { definition: body('2024-05-02 11:30:00') });
    expect(diffSnapshots([before], [after]).map((change) => describeChange(change, words))).toEqual([
      "changed: view public.recent definition, line 4: …lished < ('2024-05-01 10:00:00'::timestamp without time zone… → …lished < ('2024-05-02 11:30:00'::timestamp without time zone…",
    ]);
  });

  it('says (nothing) for a line one side does not have', () => {
    const before = object('view', 'public.v', { definition: 'x'.repeat(90) });
    const after = object('view', 'public.v', { definition: `${'x'.repeat(90)}\n  WHERE true` });
    expect(describeChange(diffSnapshots([before], [after])[0]!, words)).toBe('changed: view public.v definition, line 2: (nothing) → WHERE true');
  });
});
