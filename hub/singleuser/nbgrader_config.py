"""nbgrader configuration of every user's server (students and TAs) on the course's hub.

In the course image (hub/Dockerfile) this file is /etc/jupyter/nbgrader_config.py; the example hub
(hub/jupyterhub_config.py) points the users' JUPYTER_CONFIG_PATH at this folder. It feeds the
Assignments tab: which course, where the exchange is, and who the student is.
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "lmcourse"
# one folder shared by all users (a volume mounted into every container), world-writable; with an OS
# user per student, with the sticky bit too (chmod 1777)
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
# nbgrader names a student by the OS account (a hub with an OS user per student), or by $JUPYTERHUB_USER
# when the account is jovyan (the docker-stacks images); a hub whose users share one account sets
# NBGRADER_STUDENT_ID per user.
if os.environ.get("NBGRADER_STUDENT_ID"):
    c.CourseDirectory.student_id = os.environ["NBGRADER_STUDENT_ID"]
