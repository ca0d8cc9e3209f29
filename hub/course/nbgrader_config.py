"""nbgrader configuration of the instructor's course directory on the hub.

Copy it to the course directory as nbgrader_config.py (tests/test_hub.py does). There the instructor
or a TA releases, collects and returns feedback with nbgrader's exchange, and grades with the
course's hardened pipeline in between:

    nbgrader release_assignment ngram        # after `course-grade grade` or generate_assignment made release/ngram
    nbgrader collect ngram                   # -> submitted/<student>/ngram/
    course-grade grade ngram --course .      # sandboxed autograding, grades-ngram.csv, feedback/
    nbgrader release_feedback ngram          # students fetch it in the Assignments tab
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "lmcourse"
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
# every student, whatever the user's server sets for its own submissions
c.CourseDirectory.student_id = "*"
# Each submission in the exchange is owned by the OS user who submitted it (the hub's
# LocalProcessSpawner). nbgrader's collect only warns when a folder names another student than its
# owner and collects it anyway; the course's collect refuses it and takes the student's own newest
# submission (a student can write a folder under anyone's name). Containers that all run as jovyan
# cannot tell students apart by owner: there, use a per-user exchange (e.g. ngshare) instead.
c.ExchangeFactory.collect = "autograder.exchange.OwnedCollect"
