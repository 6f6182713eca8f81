CREATE TABLE `Customer` (
    `Id` INTEGER NOT NULL PRIMARY KEY,
    `FirstName` VARCHAR(50) NOT NULL,
    `LastName` VARCHAR(50),
    CONSTRAINT `UQ_Customer_Name` UNIQUE (`FirstName`, `LastName`)
);
CREATE TABLE `order` (
    id INTEGER NOT NULL PRIMARY KEY,
    `CustomerId` INTEGER REFERENCES `Customer` (`Id`)
);
CREATE INDEX `IX_Order_Customer` ON `order` (`CustomerId`);
