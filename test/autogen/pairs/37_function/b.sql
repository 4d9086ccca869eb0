-- kinds: function
-- checks: functions: a body changed (CREATE OR REPLACE), one with a changed signature (drop + create), a SQL one added, volatility/strictness changed
-- side b
CREATE FUNCTION add_tax(amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT amount * 1.25 $$;
CREATE FUNCTION greet(who text, punct text DEFAULT '!') RETURNS text
    LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN 'hello ' || who || punct; END $$;
CREATE FUNCTION pairs(n integer) RETURNS TABLE (i integer, sq integer)
    LANGUAGE sql AS $$ SELECT g, g * g FROM generate_series(1, n) g $$;
