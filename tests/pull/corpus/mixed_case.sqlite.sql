-- Mixed-case names; SQLite keeps the spelling.
CREATE TABLE UserAccounts (
    Id INTEGER PRIMARY KEY,
    userName TEXT NOT NULL,
    createdAt INTEGER NOT NULL,
    HTTPStatus INTEGER
);
CREATE TABLE LoginEvents (
    id INTEGER PRIMARY KEY,
    accountId INTEGER NOT NULL REFERENCES UserAccounts (Id),
    At INTEGER NOT NULL
);
CREATE INDEX LoginEvents_accountId ON LoginEvents (accountId);
