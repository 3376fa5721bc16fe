/**
 * One query that lists the user-visible schema objects of the current
 * database as (kind, name, parent, properties) rows, for snapshot.ts.
 *
 * - System schemas, objects that belong to an extension (pg_depend 'e') and
 *   the tracking table ($1 schema, $2 table) are left out.
 * - Definitions come from the server's own deparsers (format_type,
 *   pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef…), never OIDs, so
 *   two databases with the same schema give the same rows.
 * - NOT NULL constraints are left to the columns: PostgreSQL 18 also lists
 *   them in pg_constraint, older servers do not.
 * - Privileges are the ACL with the owner's default filled in and items
 *   sorted: a GRANT undone by a REVOKE leaves an explicit but equal ACL.
 * - The index behind a primary key, unique or exclusion constraint belongs to
 *   the constraint: a diff names the constraint alone.
 * - Properties are one json object per row (both adapters parse json alike).
 * - The first branch fixes the column types of the union: text, or every
 *   name would be cut to 63 bytes like a `name`.
 */

const USER_SCHEMA = `nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'`;

function notExtensionMember(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;
}

function privileges(acl: string, kind: string, owner: string): string {
  return `(SELECT string_agg(item::text, ',' ORDER BY item::text) FROM unnest(coalesce(${acl}, acldefault('${kind}', ${owner}))) item)`;
}

/** Tables, views, sequences… of user schemas, minus the tracking table and extension members. */
const USER_RELATION = `(${USER_SCHEMA.replace(/nspname/g, 'rn.nspname')} AND NOT (rn.nspname = $1 AND r.relname = $2) AND ${notExtensionMember('pg_class', 'r.oid')})`;
const RELATION_JOIN = 'JOIN pg_namespace rn ON rn.oid = r.relnamespace';
const RELATION_NAME = `rn.nspname || '.' || r.relname`;
const RELATION_KIND = `CASE r.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END`;

const schemas = `
SELECT 'schema' AS kind, n.nspname::text AS name, NULL::text AS parent,
       json_build_object('privileges', ${privileges('n.nspacl', 'n', 'n.nspowner')}, 'comment', obj_description(n.oid, 'pg_namespace')) AS properties
  FROM pg_namespace n
 WHERE ${USER_SCHEMA.replace(/nspname/g, 'n.nspname')} AND ${notExtensionMember('pg_namespace', 'n.oid')}`;

const extensions = `
SELECT 'extension', x.extname, NULL,
       json_build_object('version', x.extversion, 'schema', xn.nspname)
  FROM pg_extension x JOIN pg_namespace xn ON xn.oid = x.extnamespace`;

const tables = `
SELECT 'table', ${RELATION_NAME}, NULL,
       json_build_object(
         'kind', CASE r.relkind WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' ELSE 'table' END,
         'unlogged', r.relpersistence = 'u',
         'partition key', CASE WHEN r.relkind = 'p' THEN pg_get_partkeydef(r.oid) END,
         'partition of', (SELECT i.inhparent::regclass::text || ' ' || pg_get_expr(r.relpartbound, r.oid) FROM pg_inherits i WHERE i.inhrelid = r.oid AND r.relispartition),
         'inherits', (SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = r.oid AND NOT r.relispartition),
         'row security', CASE WHEN r.relforcerowsecurity THEN 'forced' WHEN r.relrowsecurity THEN 'enabled' ELSE 'disabled' END,
         'options', array_to_string(r.reloptions, ', '),
         'privileges', ${privileges('r.relacl', 'r', 'r.relowner')},
         'comment', obj_description(r.oid, 'pg_class'))
  FROM pg_class r ${RELATION_JOIN}
 WHERE r.relkind IN ('r', 'p', 'f') AND ${USER_RELATION}`;

const columns = `
SELECT 'column', ${RELATION_NAME} || '.' || a.attname, 'table ' || ${RELATION_NAME},
       json_build_object(
         'type', format_type(a.atttypid, a.atttypmod),
         'not null', a.attnotnull,
         'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
         'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
         'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
         'collation', CASE WHEN a.attcollation <> t.typcollation THEN (SELECT collname FROM pg_collation WHERE oid = a.attcollation) END,
         'comment', col_description(r.oid, a.attnum))
  FROM pg_attribute a
  JOIN pg_class r ON r.oid = a.attrelid ${RELATION_JOIN}
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p', 'f') AND ${USER_RELATION}`;

const constraints = `
SELECT 'constraint', ${RELATION_NAME} || '.' || c.conname, 'table ' || ${RELATION_NAME},
       json_build_object('definition', pg_get_constraintdef(c.oid))
  FROM pg_constraint c
  JOIN pg_class r ON r.oid = c.conrelid ${RELATION_JOIN}
 WHERE c.contype <> 'n' AND ${USER_RELATION}`;

const indexes = `
SELECT 'index', xn.nspname || '.' || x.relname,
       coalesce((SELECT 'constraint ' || ${RELATION_NAME} || '.' || c.conname FROM pg_constraint c
                  WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')),
                ${RELATION_KIND} || ' ' || ${RELATION_NAME}),
       json_build_object('definition', pg_get_indexdef(i.indexrelid), 'valid', i.indisvalid)
  FROM pg_index i
  JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_namespace xn ON xn.oid = x.relnamespace
  JOIN pg_class r ON r.oid = i.indrelid ${RELATION_JOIN}
 WHERE ${USER_RELATION}`;

const views = `
SELECT 'view', ${RELATION_NAME}, NULL,
       json_build_object(
         'kind', CASE r.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END,
         'definition', pg_get_viewdef(r.oid, true),
         'options', array_to_string(r.reloptions, ', '),
         'privileges', ${privileges('r.relacl', 'r', 'r.relowner')},
         'comment', obj_description(r.oid, 'pg_class'))
  FROM pg_class r ${RELATION_JOIN}
 WHERE r.relkind IN ('v', 'm') AND ${USER_RELATION}`;

/** Sequences a column owns as its identity are the column's business, and left out. */
const sequences = `
SELECT 'sequence', ${RELATION_NAME}, NULL,
       json_build_object(
         'type', format_type(s.seqtypid, NULL),
         'start', s.seqstart::text, 'increment', s.seqincrement::text,
         'min', s.seqmin::text, 'max', s.seqmax::text, 'cache', s.seqcache::text, 'cycle', s.seqcycle,
         'owned by', (SELECT d.refobjid::regclass::text || '.' || a.attname FROM pg_depend d
                        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'a' AND d.refclassid = 'pg_class'::regclass),
         'privileges', ${privileges('r.relacl', 's', 'r.relowner')})
  FROM pg_sequence s
  JOIN pg_class r ON r.oid = s.seqrelid ${RELATION_JOIN}
 WHERE ${USER_RELATION}
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'i')`;

/** Enums, domains, composite and range types; array and multirange types come with their element type. */
const types = `
SELECT 'type', tn.nspname || '.' || t.typname, NULL,
       json_build_object(
         'kind', CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite' WHEN 'r' THEN 'range' ELSE 'base' END,
         'labels', CASE WHEN t.typtype = 'e' THEN (SELECT string_agg(quote_literal(l.enumlabel), ', ' ORDER BY l.enumsortorder) FROM pg_enum l WHERE l.enumtypid = t.oid) END,
         'base type', CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
         'not null', CASE WHEN t.typtype = 'd' THEN t.typnotnull END,
         'default', t.typdefault,
         'constraints', CASE WHEN t.typtype = 'd' THEN (SELECT string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid), '; ' ORDER BY c.conname) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype <> 'n') END,
         'attributes', CASE WHEN t.typtype = 'c' THEN (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END,
         'subtype', CASE WHEN t.typtype = 'r' THEN (SELECT format_type(g.rngsubtype, NULL) FROM pg_range g WHERE g.rngtypid = t.oid) END,
         'comment', obj_description(t.oid, 'pg_type'))
  FROM pg_type t JOIN pg_namespace tn ON tn.oid = t.typnamespace
 WHERE ${USER_SCHEMA.replace(/nspname/g, 'tn.nspname')} AND ${notExtensionMember('pg_type', 't.oid')}
   AND t.typisdefined AND t.typtype IN ('b', 'c', 'd', 'e', 'r')
   AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
   AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)`;

/** A function is its whole CREATE statement (an aggregate, its parts): language, volatility, settings and body. */
const functions = `
SELECT 'function', fn.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', NULL,
       json_build_object(
         'kind', CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window function' ELSE 'function' END,
         'returns', pg_get_function_result(p.oid),
         'definition', CASE WHEN p.prokind = 'a'
                   THEN (SELECT concat_ws(' ', 'SFUNC', g.aggtransfn::text, 'FINALFUNC', g.aggfinalfn::text, 'COMBINEFUNC', g.aggcombinefn::text,
                                          'STYPE', format_type(g.aggtranstype, NULL), 'INITCOND', g.agginitval)
                           FROM pg_aggregate g WHERE g.aggfnoid = p.oid)
                   ELSE pg_get_functiondef(p.oid) END,
         'privileges', ${privileges('p.proacl', 'f', 'p.proowner')},
         'comment', obj_description(p.oid, 'pg_proc'))
  FROM pg_proc p JOIN pg_namespace fn ON fn.oid = p.pronamespace
 WHERE ${USER_SCHEMA.replace(/nspname/g, 'fn.nspname')} AND ${notExtensionMember('pg_proc', 'p.oid')}`;

const triggers = `
SELECT 'trigger', ${RELATION_NAME} || '.' || g.tgname, ${RELATION_KIND} || ' ' || ${RELATION_NAME},
       json_build_object('definition', pg_get_triggerdef(g.oid), 'enabled', g.tgenabled::text)
  FROM pg_trigger g
  JOIN pg_class r ON r.oid = g.tgrelid ${RELATION_JOIN}
 WHERE NOT g.tgisinternal AND ${USER_RELATION}`;

const policies = `
SELECT 'policy', ${RELATION_NAME} || '.' || p.polname, 'table ' || ${RELATION_NAME},
       json_build_object(
         'command', CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
         'permissive', p.polpermissive,
         'roles', (SELECT string_agg(role_name, ', ' ORDER BY role_name)
                     FROM (SELECT CASE WHEN role_oid = 0 THEN 'public' ELSE pg_get_userbyid(role_oid)::text END AS role_name
                             FROM unnest(p.polroles) role_oid) roles),
         'using', pg_get_expr(p.polqual, p.polrelid),
         'with check', pg_get_expr(p.polwithcheck, p.polrelid))
  FROM pg_policy p
  JOIN pg_class r ON r.oid = p.polrelid ${RELATION_JOIN}
 WHERE ${USER_RELATION}`;

/** Parameters: $1 the tracking table's schema, $2 its name. */
export const CATALOG_SQL = [schemas, extensions, tables, columns, constraints, indexes, views, sequences, types, functions, triggers, policies]
  .map((part) => part.trim())
  .join('\nUNION ALL\n');

/** Whether the current database has the citus extension (then its distribution metadata is part of the schema). */
export const CITUS_PRESENT_SQL = `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS present`;

/**
 * Citus's distribution metadata (pg_dist_partition, on the coordinator): how
 * each table is distributed. A down file that forgets undistribute_table, or
 * an up file that distributes on another column, changes the schema as much
 * as a missing index does. Co-location ids are left out: they are counters.
 * Run only where CITUS_PRESENT_SQL says so: elsewhere the catalog does not exist.
 */
export const CITUS_DISTRIBUTION_SQL = `
SELECT 'distribution' AS kind, ${RELATION_NAME} AS name, 'table ' || ${RELATION_NAME} AS parent,
       json_build_object(
         'method', CASE p.partmethod WHEN 'h' THEN 'hash' WHEN 'n' THEN 'none' WHEN 'a' THEN 'append' WHEN 'r' THEN 'range' ELSE p.partmethod::text END,
         'column', CASE WHEN p.partkey IS NULL THEN NULL ELSE column_to_column_name(p.logicalrelid, p.partkey)::text END,
         'replication', CASE p.repmodel WHEN 't' THEN 'reference (2PC)' WHEN 's' THEN 'streaming' WHEN 'c' THEN 'statement' ELSE p.repmodel::text END
       ) AS properties
  FROM pg_dist_partition p
  JOIN pg_class r ON r.oid = p.logicalrelid
  ${RELATION_JOIN}
 WHERE ${USER_RELATION}`;
