COMMENT ON COLUMN accounts.legacy_flag IS 'unused, to be dropped';
