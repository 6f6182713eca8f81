INSERT INTO event (id, kind, at_day, score) VALUES (1, 'click', '2024-01-02', 5);
INSERT INTO event (id, kind, at_day, score) VALUES (2, 'view', NULL, NULL);
