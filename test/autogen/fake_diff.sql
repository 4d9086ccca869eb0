-- test/autogen/fake_diff.sql — stand-ins for migrate.diff() that prove the
-- round-trip runner (roundtrip.sh --fake / --canned) before the engine
-- exists. Installed into schema autogen_fake, which the runner leaves out
-- of every pg_dump it compares.
--
-- autogen_fake.diff(desired, schemas, renames, online): a brute-force
-- "engine" with migrate.diff()'s signature and contract on everything but
-- data: '' when the named schemas already match `desired` (compared by a
-- catalog fingerprint, the desired side loaded in a subtransaction that is
-- always rolled back), otherwise a script that drops every object of the
-- named schemas and then runs `desired`. renames and online are ignored.
--
-- autogen_fake.canned(desired, schemas, renames, online): returns the
-- session setting autogen_fake.answer — a hand-written migration the runner
-- sets just before the call.

CREATE SCHEMA autogen_fake;

-- Not an object of the compared schemas: a member of an extension.
CREATE FUNCTION autogen_fake.member(cls regclass, id oid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                   WHERE d.classid OPERATOR(pg_catalog.=) cls
                     AND d.objid OPERATOR(pg_catalog.=) id
                     AND d.deptype OPERATOR(pg_catalog.=) 'e')
$$;

-- One line per object property that pg_dump -s would show; sorted, hashed.
CREATE FUNCTION autogen_fake.fingerprint(schemas text[]) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
WITH ns AS (
    SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY (schemas)
), cls AS (
    SELECT c.* FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    WHERE NOT autogen_fake.member('pg_class', c.oid)
), lines(l) AS (
    SELECT 'schema ' || nspname || ' ' || coalesce(obj_description(oid, 'pg_namespace'), '')
      FROM ns
    UNION ALL
    SELECT format('class %s %s %s rls=%s/%s opts=%s acl=%s bound=%s key=%s comment=%s view=%s',
                  c.oid::regclass, c.relkind, c.relpersistence, c.relrowsecurity,
                  c.relforcerowsecurity, c.reloptions, c.relacl,
                  pg_get_expr(c.relpartbound, c.oid),
                  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
                  obj_description(c.oid, 'pg_class'),
                  CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END)
      FROM cls c
    UNION ALL
    SELECT format('inherits %s %s %s', i.inhrelid::regclass, i.inhparent::regclass, i.inhseqno)
      FROM pg_inherits i JOIN cls c ON c.oid = i.inhrelid
    UNION ALL
    SELECT format('column %s.%s %s notnull=%s default=%s identity=%s generated=%s collation=%s local=%s acl=%s comment=%s',
                  a.attrelid::regclass, a.attname, format_type(a.atttypid, a.atttypmod),
                  a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity,
                  a.attgenerated, co.collname, a.attislocal, a.attacl,
                  col_description(a.attrelid, a.attnum))
      FROM pg_attribute a JOIN cls c ON c.oid = a.attrelid
      LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
     WHERE a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT format('index %s %s', i.indexrelid::regclass, pg_get_indexdef(i.indexrelid))
      FROM pg_index i JOIN cls c ON c.oid = i.indexrelid
    UNION ALL
    SELECT format('sequence %s %s %s %s %s %s %s %s', s.seqrelid::regclass,
                  format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmax,
                  s.seqmin, s.seqcache, s.seqcycle)
      FROM pg_sequence s JOIN cls c ON c.oid = s.seqrelid
    UNION ALL
    SELECT format('constraint %s %s %s %s valid=%s comment=%s', con.conname,
                  con.conrelid::regclass, con.contypid::regtype, pg_get_constraintdef(con.oid),
                  con.convalidated, obj_description(con.oid, 'pg_constraint'))
      FROM pg_constraint con JOIN ns ON ns.oid = con.connamespace
    UNION ALL
    SELECT format('type %s %s base=%s notnull=%s default=%s labels=%s comment=%s acl=%s',
                  t.oid::regtype, t.typtype, format_type(t.typbasetype, t.typtypmod),
                  t.typnotnull, t.typdefault,
                  (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                     FROM pg_enum e WHERE e.enumtypid = t.oid),
                  obj_description(t.oid, 'pg_type'), t.typacl)
      FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
     WHERE t.typtype IN ('e', 'd', 'c', 'r', 'm')
       AND NOT autogen_fake.member('pg_type', t.oid)
       AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
    UNION ALL
    SELECT format('function %s acl=%s comment=%s %s', p.oid::regprocedure, p.proacl,
                  obj_description(p.oid, 'pg_proc'), pg_get_functiondef(p.oid))
      FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
     WHERE p.prokind <> 'a' AND NOT autogen_fake.member('pg_proc', p.oid)
    UNION ALL
    SELECT format('trigger %s %s %s', t.tgname, pg_get_triggerdef(t.oid),
                  obj_description(t.oid, 'pg_trigger'))
      FROM pg_trigger t JOIN cls c ON c.oid = t.tgrelid
     WHERE NOT t.tgisinternal
    UNION ALL
    SELECT format('policy %s %s %s %s %s %s %s', p.polname, p.polrelid::regclass, p.polcmd,
                  p.polpermissive, p.polroles::regrole[], pg_get_expr(p.polqual, p.polrelid),
                  pg_get_expr(p.polwithcheck, p.polrelid))
      FROM pg_policy p JOIN cls c ON c.oid = p.polrelid
    UNION ALL
    SELECT format('extension %s %s %s', e.extname, n.nspname, e.extversion)
      FROM pg_extension e JOIN ns n ON n.oid = e.extnamespace
)
SELECT md5(coalesce(string_agg(l, E'\n' ORDER BY l), '')) FROM lines
$$;

-- The script that removes every object of the named schemas: the schemas
-- other than public themselves, and in public each extension, relation,
-- type and routine (CASCADE, IF EXISTS: dependents may be gone already).
CREATE FUNCTION autogen_fake.drop_all(schemas text[]) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
SELECT coalesce(string_agg(stmt, E'\n' ORDER BY ord, stmt), '') FROM (
    SELECT 1, format('DROP SCHEMA IF EXISTS %I CASCADE;', nspname)
      FROM pg_namespace WHERE nspname = ANY (schemas) AND nspname <> 'public'
    UNION ALL
    SELECT 2, format('DROP EXTENSION IF EXISTS %I CASCADE;', e.extname)
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE n.nspname = 'public' AND 'public' = ANY (schemas)
    UNION ALL
    SELECT 3, format('DROP %s IF EXISTS %s CASCADE;',
                     CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                    WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                                    ELSE 'TABLE' END,
                     c.oid::regclass)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND 'public' = ANY (schemas)
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
       AND NOT autogen_fake.member('pg_class', c.oid)
       -- identity sequences go with their column
       AND NOT (c.relkind = 'S' AND EXISTS (
                    SELECT 1 FROM pg_depend d
                     WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                       AND d.deptype = 'i'))
    UNION ALL
    SELECT 4, format('DROP TYPE IF EXISTS %s CASCADE;', t.oid::regtype)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' AND 'public' = ANY (schemas)
       AND t.typtype IN ('e', 'd', 'c', 'r', 'm')
       AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
       AND NOT autogen_fake.member('pg_type', t.oid)
    UNION ALL
    SELECT 5, format('DROP ROUTINE IF EXISTS %s CASCADE;', p.oid::regprocedure)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' AND 'public' = ANY (schemas)
       AND p.prokind <> 'a' AND NOT autogen_fake.member('pg_proc', p.oid)
) s(ord, stmt)
$$;

CREATE FUNCTION autogen_fake.diff(desired text, schemas text[] DEFAULT '{public}',
                                  renames text[] DEFAULT NULL, online boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    have text := autogen_fake.fingerprint(schemas);
    drops text := autogen_fake.drop_all(schemas);
    want text;
BEGIN
    BEGIN
        EXECUTE drops;
        PERFORM pg_catalog.set_config('check_function_bodies', 'off', true);
        EXECUTE desired;
        want := autogen_fake.fingerprint(schemas);
        RAISE EXCEPTION USING ERRCODE = 'AGF01', MESSAGE = want;
    EXCEPTION WHEN SQLSTATE 'AGF01' THEN
        want := SQLERRM;
    END;
    IF want = have THEN
        RETURN '';
    END IF;
    RETURN '-- autogen_fake: rebuild' || E'\n' || drops || E'\n' ||
           'SET check_function_bodies = off;' || E'\n' || desired;
END
$$;

CREATE FUNCTION autogen_fake.canned(desired text, schemas text[] DEFAULT '{public}',
                                    renames text[] DEFAULT NULL, online boolean DEFAULT false)
RETURNS text LANGUAGE sql AS $$
    SELECT pg_catalog.current_setting('autogen_fake.answer')
$$;

-- autogen_fake.unsupported: what the engine does with a kind it cannot diff
CREATE FUNCTION autogen_fake.unsupported(desired text, schemas text[] DEFAULT '{public}',
                                         renames text[] DEFAULT NULL, online boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'autogen_fake cannot diff anything' USING ERRCODE = 'feature_not_supported';
END
$$;
