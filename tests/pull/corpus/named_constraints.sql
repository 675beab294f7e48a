-- Constraints named in the table definition.
CREATE TABLE owners (
    id integer NOT NULL,
    email text NOT NULL,
    CONSTRAINT owners_pk PRIMARY KEY (id),
    CONSTRAINT owners_email_uq UNIQUE (email)
);
CREATE TABLE pets (
    id integer CONSTRAINT pets_pk PRIMARY KEY,
    owner_id integer NOT NULL,
    vet_id integer CONSTRAINT pets_vet_fk REFERENCES owners (id),
    name text NOT NULL,
    CONSTRAINT pets_owner_fk FOREIGN KEY (owner_id) REFERENCES owners (id) ON DELETE CASCADE
);
