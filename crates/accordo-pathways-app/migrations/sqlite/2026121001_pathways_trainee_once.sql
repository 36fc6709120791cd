-- A passport is enrolled once in a course. The service checked it by reading the course's
-- trainees before writing, a check that two enrolments at the same instant could both pass;
-- with this index the second one fails, and the service says why (`trainee-enrolled`).
-- A database that already holds one passport twice in a course (possible only before the
-- check came, in December 2026) stops here with the engine's error naming this index: remove
-- the later of the two rows, then start again.
CREATE UNIQUE INDEX pathways_trainees_once
    ON pathways_trainees (course_id, nationality, document_number);
