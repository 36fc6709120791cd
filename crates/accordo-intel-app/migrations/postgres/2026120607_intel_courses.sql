-- Joint training of law enforcement (the Italy–Turkey document): courses, each recorded by the
-- agency that organises it, with the agencies whose officers took part and how many. Read by
-- every agency of the partnership; they feed the cooperation index's `joint_trainings`.
CREATE TABLE intel_courses (
    id TEXT PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    title TEXT NOT NULL,
    topic TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    place TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX intel_courses_starts ON intel_courses (starts_on);

CREATE TABLE intel_course_participants (
    course_id TEXT NOT NULL REFERENCES intel_courses(id),
    agency TEXT NOT NULL REFERENCES agencies(code),
    trainees BIGINT NOT NULL CHECK (trainees > 0),
    PRIMARY KEY (course_id, agency)
);
