-- Join tables with composite primary keys; a composite unique.
CREATE TABLE students (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE courses (id integer PRIMARY KEY, code varchar(16) NOT NULL, term varchar(8) NOT NULL,
    UNIQUE (code, term));
CREATE TABLE enrolments (
    student_id integer NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    course_id integer NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    grade varchar(2),
    PRIMARY KEY (student_id, course_id)
);
CREATE INDEX enrolments_course ON enrolments (course_id);
CREATE TABLE grid (x integer NOT NULL, y integer NOT NULL, z integer NOT NULL, v text,
    PRIMARY KEY (z, x, y));
