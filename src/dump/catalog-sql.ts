/**
 * What rendering needs beyond verify's snapshot (src/verify/catalog-sql.ts),
 * read by two more queries so that verify's comparison stays as it is:
 *
 * - DETAILS_SQL: per snapshot object, quoted identifiers (the snapshot's
 *   names are unquoted and cannot be split at dots), column positions,
 *   whether a column or constraint is declared on the table itself or only
 *   inherited from a parent, a function's source as written (the snapshot
 *   collapses its whitespace, which would break `--` comments in the body),
 *   partition and inheritance parents, aggregate parts, policy roles.
 * - DEPENDENCIES_SQL: which object needs which, from pg_depend, as snapshot
 *   keys (`<kind> <name>`). Parts map to what is rendered as one statement:
 *   a column, its default and the row type to the table, a view's rewrite
 *   rule to the view, an array type to its element type, the index of a
 *   constraint to the constraint, and anything that belongs to an extension
 *   to the extension.
 *
 * Both take the same parameters as CATALOG_SQL ($1 tracking schema, $2 table),
 * and leave out the same things; keys that name no snapshot object are
 * dropped by the reader.
 */

const USER_SCHEMA = (column: string) =>
  `${column} NOT IN ('pg_catalog', 'information_schema') AND ${column} NOT LIKE 'pg\\_toast%' AND ${column} NOT LIKE 'pg\\_temp\\_%'`;
const QUALIFIED = (schema: string, name: string) => `quote_ident(${schema}) || '.' || quote_ident(${name})`;
const RELATION_JOIN = 'JOIN pg_namespace rn ON rn.oid = r.relnamespace';
const RELATION_NAME = `rn.nspname || '.' || r.relname`;
const RELATION_IDENT = QUALIFIED('rn.nspname', 'r.relname');
const USER_RELATION = `(${USER_SCHEMA('rn.nspname')} AND NOT (rn.nspname = $1 AND r.relname = $2))`;

const schemas = `
SELECT 'schema' AS kind, n.nspname::text AS name, json_build_object('ident', quote_ident(n.nspname)) AS details
  FROM pg_namespace n WHERE ${USER_SCHEMA('n.nspname')}`;

const extensions = `
SELECT 'extension', x.extname, json_build_object('ident', quote_ident(x.extname), 'schema', quote_ident(xn.nspname))
  FROM pg_extension x JOIN pg_namespace xn ON xn.oid = x.extnamespace`;

const relations = `
SELECT CASE WHEN r.relkind IN ('v', 'm') THEN 'view' WHEN r.relkind = 'S' THEN 'sequence' ELSE 'table' END, ${RELATION_NAME},
       json_build_object(
         'ident', ${RELATION_IDENT},
         'partition of', (SELECT ${QUALIFIED('pn.nspname', 'p.relname')} FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
                           WHERE i.inhrelid = r.oid AND r.relispartition),
         'partition of key', (SELECT 'table ' || pn.nspname || '.' || p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
                               WHERE i.inhrelid = r.oid AND r.relispartition),
         'partition bound', CASE WHEN r.relispartition THEN pg_get_expr(r.relpartbound, r.oid) END,
         'inherits', (SELECT json_agg(${QUALIFIED('pn.nspname', 'p.relname')} ORDER BY i.inhseqno) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
                       WHERE i.inhrelid = r.oid AND NOT r.relispartition),
         'owned by', CASE WHEN r.relkind = 'S' THEN (SELECT ${QUALIFIED('tn.nspname', 't.relname')} || '.' || quote_ident(a.attname)
                        FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
                        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'a' AND d.refclassid = 'pg_class'::regclass) END,
         'owner key', CASE WHEN r.relkind = 'S' THEN (SELECT 'table ' || tn.nspname || '.' || t.relname
                        FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'a' AND d.refclassid = 'pg_class'::regclass) END)
  FROM pg_class r ${RELATION_JOIN}
 WHERE r.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND ${USER_RELATION}`;

const columns = `
SELECT 'column', ${RELATION_NAME} || '.' || a.attname,
       json_build_object(
         'table', ${RELATION_IDENT}, 'ident', quote_ident(a.attname), 'position', a.attnum, 'local', a.attislocal,
         'collation', CASE WHEN a.attcollation <> t.typcollation THEN (SELECT ${QUALIFIED('cn.nspname', 'c.collname')} FROM pg_collation c JOIN pg_namespace cn ON cn.oid = c.collnamespace WHERE c.oid = a.attcollation) END)
  FROM pg_attribute a
  JOIN pg_class r ON r.oid = a.attrelid ${RELATION_JOIN}
  JOIN pg_type t ON t.oid = a.atttypid
 WHERE a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p', 'f') AND ${USER_RELATION}`;

const constraints = `
SELECT 'constraint', ${RELATION_NAME} || '.' || c.conname,
       json_build_object('table', ${RELATION_IDENT}, 'ident', quote_ident(c.conname), 'local', c.conislocal, 'type', c.contype::text)
  FROM pg_constraint c
  JOIN pg_class r ON r.oid = c.conrelid ${RELATION_JOIN}
 WHERE c.contype <> 'n' AND ${USER_RELATION}`;

/** An index of a partition that is attached to its parent's index is created with the child table and then attached. */
const indexes = `
SELECT 'index', xn.nspname || '.' || x.relname,
       json_build_object('ident', ${QUALIFIED('xn.nspname', 'x.relname')},
         'attached to', (SELECT ${QUALIFIED('pn.nspname', 'p.relname')} FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhrelid = x.oid),
         'attached to key', (SELECT coalesce((SELECT 'constraint ' || pcn.nspname || '.' || pc.relname || '.' || c.conname FROM pg_constraint c JOIN pg_class pc ON pc.oid = c.conrelid JOIN pg_namespace pcn ON pcn.oid = pc.relnamespace
                                               WHERE c.conindid = p.oid AND c.contype IN ('p', 'u', 'x')), 'index ' || pn.nspname || '.' || p.relname)
                              FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhrelid = x.oid))
  FROM pg_index i
  JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_namespace xn ON xn.oid = x.relnamespace
  JOIN pg_class r ON r.oid = i.indrelid ${RELATION_JOIN}
 WHERE ${USER_RELATION}`;

const types = `
SELECT 'type', tn.nspname || '.' || t.typname,
       json_build_object('ident', ${QUALIFIED('tn.nspname', 't.typname')},
         'collation', CASE WHEN t.typtype = 'd' AND t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)
                           THEN (SELECT ${QUALIFIED('cn.nspname', 'c.collname')} FROM pg_collation c JOIN pg_namespace cn ON cn.oid = c.collnamespace WHERE c.oid = t.typcollation) END,
         'constraints', CASE WHEN t.typtype = 'd' THEN (SELECT json_agg(json_build_object('ident', quote_ident(c.conname), 'definition', pg_get_constraintdef(c.oid)) ORDER BY c.conname)
                                                          FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype <> 'n') END,
         'attributes', CASE WHEN t.typtype = 'c' THEN (SELECT json_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
                                                         FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END)
  FROM pg_type t JOIN pg_namespace tn ON tn.oid = t.typnamespace
 WHERE ${USER_SCHEMA('tn.nspname')} AND t.typtype IN ('b', 'c', 'd', 'e', 'r')`;

const functions = `
SELECT 'function', fn.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       json_build_object(
         'ident', ${QUALIFIED('fn.nspname', 'p.proname')} || '(' || pg_get_function_identity_arguments(p.oid) || ')',
         'source', CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END,
         'implicit', EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i'),
         'aggregate', (SELECT json_build_object(
                         'sfunc', g.aggtransfn::regproc::text, 'stype', format_type(g.aggtranstype, NULL),
                         'finalfunc', NULLIF(g.aggfinalfn, 0)::regproc::text, 'combinefunc', NULLIF(g.aggcombinefn, 0)::regproc::text,
                         'initcond', g.agginitval, 'sortop', NULLIF(g.aggsortop, 0)::regoperator::text)
                         FROM pg_aggregate g WHERE g.aggfnoid = p.oid))
  FROM pg_proc p JOIN pg_namespace fn ON fn.oid = p.pronamespace
 WHERE ${USER_SCHEMA('fn.nspname')}`;

const triggers = `
SELECT 'trigger', ${RELATION_NAME} || '.' || g.tgname,
       json_build_object('table', ${RELATION_IDENT}, 'ident', quote_ident(g.tgname), 'cloned', g.tgparentid <> 0)
  FROM pg_trigger g
  JOIN pg_class r ON r.oid = g.tgrelid ${RELATION_JOIN}
 WHERE NOT g.tgisinternal AND ${USER_RELATION}`;

const policies = `
SELECT 'policy', ${RELATION_NAME} || '.' || p.polname,
       json_build_object('table', ${RELATION_IDENT}, 'ident', quote_ident(p.polname),
         'roles', (SELECT json_agg(role_name ORDER BY role_name)
                     FROM (SELECT CASE WHEN role_oid = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(role_oid)) END AS role_name
                             FROM unnest(p.polroles) role_oid) roles))
  FROM pg_policy p
  JOIN pg_class r ON r.oid = p.polrelid ${RELATION_JOIN}
 WHERE ${USER_RELATION}`;

/** Parameters: $1 the tracking table's schema, $2 its name. Rows: kind, name (as in the snapshot), details (json). */
export const DETAILS_SQL = [schemas, extensions, relations, columns, constraints, indexes, types, functions, triggers, policies]
  .map((part) => part.trim())
  .join('\nUNION ALL\n');

/**
 * Every catalog row that can take part in a dependency, as the key of the
 * snapshot object it is rendered with. `rank` 0 wins: an extension's members
 * belong to the extension.
 */
const KEYED = `
keyed_relation AS (
  SELECT r.oid, r.reltype, CASE
           WHEN r.relkind IN ('v', 'm') THEN 'view '
           WHEN r.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'i') THEN 'sequence '
           WHEN r.relkind = 'c' THEN 'type '
           ELSE 'table ' END
         || coalesce((SELECT on_.nspname || '.' || o.relname FROM pg_depend d JOIN pg_class o ON o.oid = d.refobjid JOIN pg_namespace on_ ON on_.oid = o.relnamespace
                       WHERE r.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'i' AND d.refclassid = 'pg_class'::regclass LIMIT 1),
                     ${RELATION_NAME}) AS key
    FROM pg_class r ${RELATION_JOIN}
   WHERE r.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'c') AND ${USER_SCHEMA('rn.nspname')}
),
keyed_type AS (
  SELECT t.oid, coalesce(kr.key, 'type ' || tn.nspname || '.' || t.typname) AS key
    FROM pg_type t JOIN pg_namespace tn ON tn.oid = t.typnamespace LEFT JOIN keyed_relation kr ON kr.oid = t.typrelid AND t.typrelid <> 0
   WHERE ${USER_SCHEMA('tn.nspname')} AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
),
keyed AS (
  SELECT 'pg_namespace'::regclass AS classid, n.oid AS objid, 'schema ' || n.nspname AS key, 1 AS rank FROM pg_namespace n WHERE ${USER_SCHEMA('n.nspname')}
  UNION ALL SELECT 'pg_extension'::regclass, x.oid, 'extension ' || x.extname, 1 FROM pg_extension x
  UNION ALL SELECT d.classid, d.objid, 'extension ' || x.extname, 0 FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid
             WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  UNION ALL SELECT 'pg_class'::regclass, oid, key, 1 FROM keyed_relation
  UNION ALL SELECT 'pg_class'::regclass, x.oid,
                   coalesce((SELECT 'constraint ' || ${RELATION_NAME} || '.' || c.conname FROM pg_constraint c
                              WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')),
                            'index ' || xn.nspname || '.' || x.relname), 1
              FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_namespace xn ON xn.oid = x.relnamespace
              JOIN pg_class r ON r.oid = i.indrelid ${RELATION_JOIN} WHERE ${USER_SCHEMA('rn.nspname')}
  UNION ALL SELECT 'pg_type'::regclass, oid, key, 1 FROM keyed_type
  UNION ALL SELECT 'pg_type'::regclass, a.oid, kt.key, 1 FROM pg_type e JOIN pg_type a ON a.oid = e.typarray JOIN keyed_type kt ON kt.oid = e.oid
  UNION ALL SELECT 'pg_type'::regclass, g.rngmultitypid, kt.key, 1 FROM pg_range g JOIN keyed_type kt ON kt.oid = g.rngtypid
  UNION ALL SELECT 'pg_constraint'::regclass, c.oid,
                   coalesce((SELECT 'constraint ' || ${RELATION_NAME} || '.' || c.conname FROM pg_class r ${RELATION_JOIN} WHERE r.oid = c.conrelid),
                            (SELECT kt.key FROM keyed_type kt WHERE kt.oid = c.contypid)), 1
              FROM pg_constraint c WHERE c.contype <> 'n'
  UNION ALL SELECT 'pg_attrdef'::regclass, d.oid, kr.key, 1 FROM pg_attrdef d JOIN keyed_relation kr ON kr.oid = d.adrelid
  UNION ALL SELECT 'pg_rewrite'::regclass, w.oid, kr.key, 1 FROM pg_rewrite w JOIN keyed_relation kr ON kr.oid = w.ev_class
  UNION ALL SELECT 'pg_proc'::regclass, p.oid, 'function ' || fn.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', 1
              FROM pg_proc p JOIN pg_namespace fn ON fn.oid = p.pronamespace WHERE ${USER_SCHEMA('fn.nspname')}
  UNION ALL SELECT 'pg_trigger'::regclass, g.oid, 'trigger ' || ${RELATION_NAME} || '.' || g.tgname, 1
              FROM pg_trigger g JOIN pg_class r ON r.oid = g.tgrelid ${RELATION_JOIN} WHERE NOT g.tgisinternal
  UNION ALL SELECT 'pg_policy'::regclass, p.oid, 'policy ' || ${RELATION_NAME} || '.' || p.polname, 1
              FROM pg_policy p JOIN pg_class r ON r.oid = p.polrelid ${RELATION_JOIN}
),
resolved AS (
  SELECT DISTINCT ON (classid, objid) classid, objid, key FROM keyed WHERE key IS NOT NULL ORDER BY classid, objid, rank
)`;

/**
 * Rows: dependent, dependency (snapshot keys). A sequence's dependency on the
 * column that owns it is left out: `OWNED BY` is its own statement after the
 * table, whose default in turn needs the sequence. Extension membership
 * ('e') is how members map to their extension, not an order.
 */
export const DEPENDENCIES_SQL = `
WITH ${KEYED.trim()}
SELECT DISTINCT a.key AS dependent, b.key AS dependency
  FROM pg_depend d
  JOIN resolved a ON a.classid = d.classid AND a.objid = d.objid
  JOIN resolved b ON b.classid = d.refclassid AND b.objid = d.refobjid
 WHERE d.deptype IN ('n', 'a') AND a.key <> b.key
   AND NOT (a.key LIKE 'sequence %' AND d.deptype = 'a' AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid <> 0)`;
