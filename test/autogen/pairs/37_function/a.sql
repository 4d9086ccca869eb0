-- kinds: function
-- checks: functions: a body changed (CREATE OR REPLACE), one with a changed signature (drop + create), a SQL one added, volatility/strictness changed
-- side a
CREATE FUNCTION add_tax(amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$ SELECT amount * 1.2 $$;
CREATE FUNCTION greet(who text) RETURNS text
    LANGUAGE plpgsql AS $$ BEGIN RETURN 'hello ' || who; END $$;
