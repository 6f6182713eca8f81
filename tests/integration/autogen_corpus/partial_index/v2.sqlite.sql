CREATE TABLE job (
    id INTEGER NOT NULL PRIMARY KEY,
    state VARCHAR(10) NOT NULL,
    queue VARCHAR(20) NOT NULL
);
CREATE INDEX ix_job_pending ON job (queue) WHERE state = 'pending';
CREATE UNIQUE INDEX ux_job_running ON job (queue) WHERE state = 'running';
