-- kinds: table, sequence, column, constraint, index, pg_dump
-- checks: both sides written the way pg_dump -s writes them: SET lines, CREATE SEQUENCE ... OWNED BY, ALTER TABLE ONLY ... ADD CONSTRAINT, OWNER TO
-- side a
--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET client_min_messages = warning;

SET default_tablespace = '';

SET default_table_access_method = heap;

CREATE TABLE public.widget (
    id integer NOT NULL,
    name text NOT NULL
);

ALTER TABLE public.widget OWNER TO postgres;

CREATE SEQUENCE public.widget_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER TABLE public.widget_id_seq OWNER TO postgres;

ALTER SEQUENCE public.widget_id_seq OWNED BY public.widget.id;

ALTER TABLE ONLY public.widget ALTER COLUMN id SET DEFAULT nextval('public.widget_id_seq'::regclass);

ALTER TABLE ONLY public.widget
    ADD CONSTRAINT widget_pkey PRIMARY KEY (id);
