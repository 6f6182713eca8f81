CREATE TABLE `user` (
    id INTEGER NOT NULL PRIMARY KEY,
    `UserName` VARCHAR(50) NOT NULL COMMENT 'Display name',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    parent_id INTEGER,
    CONSTRAINT fk_user_parent FOREIGN KEY (parent_id) REFERENCES `user` (id) ON DELETE SET NULL,
    CONSTRAINT uq_user_name UNIQUE (`UserName`)
) COMMENT='People';
CREATE INDEX ix_user_active ON `user` (active, `UserName`);
