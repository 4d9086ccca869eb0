  -- a comment before the header
--migrate:revision x.y_Z
--	migrate:revises	base	
-- migrate:message  tabs	inside  
-- migrate:upgrade


  SELECT $migrate$ a $migrate$;
	
-- migrate:downgrade sqlite
-- migrate:downgrade postgresql
