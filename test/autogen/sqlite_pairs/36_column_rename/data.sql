INSERT INTO member VALUES (1, 'Ann Lee', '1990'), (2, 'Bob Ray', NULL);
