INSERT INTO region (country, code, name) VALUES ('fr', '75', 'Paris');
INSERT INTO shop (id, country, code) VALUES (1, 'fr', '75');
