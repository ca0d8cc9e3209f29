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
# All users share one OS account (jovyan in the course image, the hub's account with the local
# spawner), so the owner of a submission never matches its student; nbgrader would warn
# "cheating attempt?" for every one of them.
c.ExchangeCollect.check_owner = False
