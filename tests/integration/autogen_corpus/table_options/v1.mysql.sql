-- MySQL/MariaDB table options: autogenerate writes alter_table_options,
-- which the revision file reader must accept (it once refused it).
CREATE TABLE invoice (
    id INT NOT NULL PRIMARY KEY,
    note VARCHAR(40)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
