-- kinds: table, column, rename, mixed case
-- checks: mixed-case bare names kept through ADD COLUMN and a table rename with --rename (Audit:AuditLog); a column of the renamed table replaced (drop and add)
CREATE TABLE UserAccount (UserId INTEGER PRIMARY KEY, DisplayName TEXT, Email TEXT, CreatedAt TEXT);
CREATE INDEX UserAccount_Email ON UserAccount (Email);
CREATE TABLE AuditLog (Id INTEGER PRIMARY KEY, Message TEXT);
