"""JupyterHub configuration for the course: a documented example, used as is by tests/test_hub.py.

As written it runs a whole hub on one machine for a trial or a test, as The Littlest JupyterHub
does: the hub runs as root and starts every user's server as that user's own OS account
(``LocalProcessSpawner``; the accounts must exist), users log in with any password
(``DummyAuthenticator``), everything listens on loopback. A department's hub keeps the nbgrader
parts and swaps the marked lines: a real authenticator, and a container spawner running the
student image (or the course-staff image for staff) with the exchange folder mounted into every
container.

Environment (all optional):
    LMCOURSE_HUB_SPAWNER     "local" (default): each user's server runs as the OS user of that name;
                             "simple": all of them run as the hub's own account (a one-account trial)
    LMCOURSE_HUB_PYTHON      the Python that runs the users' servers, one they can read and execute,
                             e.g. the students' environment (default: the hub's own Python)
    LMCOURSE_HUB_STATE       folder for the hub's database, cookie secret and proxy pid (default: cwd)
    LMCOURSE_HUB_PORT        public port of the proxy (default 8000)
    LMCOURSE_HUB_API_PORT    the hub's own port, reached by the proxy and the users' servers (8081)
    LMCOURSE_PROXY_API_PORT  configurable-http-proxy's REST API port (8001)
    LMCOURSE_HUB_HOMES       "simple" only: parent of the users' home (notebook) folders (<state>/home);
                             with "local" a user's server starts in the OS user's home
    LMCOURSE_HUB_ADMIN_TOKEN API token of the "course-admin" service (users, servers, their tokens)
    NBGRADER_EXCHANGE        nbgrader's exchange folder, shared by all users (/srv/nbgrader/exchange)
"""
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("LMCOURSE_HUB_STATE", os.getcwd())).resolve()
EXCHANGE = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
COURSE_ID = "lmcourse"
SPAWNER = os.environ.get("LMCOURSE_HUB_SPAWNER", "local")
USER_PYTHON = os.environ.get("LMCOURSE_HUB_PYTHON", sys.executable)
assert SPAWNER in ("local", "simple"), f"LMCOURSE_HUB_SPAWNER must be local or simple, not {SPAWNER!r}"

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

# --- network: the proxy is the only public port --------------------------------------------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ.get('LMCOURSE_HUB_PORT', '8000')}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ.get('LMCOURSE_HUB_API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('LMCOURSE_PROXY_API_PORT', '8001')}"
# configurable-http-proxy as locked in hub/package-lock.json (scripts/setup.sh runs `npm ci` here)
_chp = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
if _chp.exists():
    c.ConfigurableHTTPProxy.command = [str(_chp)]

# --- state ----------------------------------------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# stopping the hub stops the proxy and every user's server
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- who logs in: REPLACE for a real hub (e.g. oauthenticator, ltiauthenticator) ----------------
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {"instructor"}

# --- users' servers: keep for a one-machine hub (TLJH's way); REPLACE for a container hub, e.g.
#     DockerSpawner / KubeSpawner with the student image
#   c.JupyterHub.spawner_class = "docker"
#   c.DockerSpawner.image = "<registry>/lmcourse-student:<tag>"       # the student edition's hub.Dockerfile
#   and, for the staff, the course-staff image (hub/Dockerfile), e.g. chosen per user in a pre_spawn_hook:
#   spawner.image = "<registry>/lmcourse-staff:<tag>" if spawner.user.name in STAFF else spawner.image
#   c.DockerSpawner.volumes = {"/srv/nbgrader/exchange": "/srv/nbgrader/exchange"}
c.JupyterHub.spawner_class = {"local": "localprocess", "simple": "simple"}[SPAWNER]
c.Spawner.cmd = [USER_PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    "NBGRADER_EXCHANGE": EXCHANGE,
    # where the users' servers find hub/singleuser/nbgrader_config.py (/etc/jupyter/ in the image)
    "JUPYTER_CONFIG_PATH": str(HERE / "singleuser"),
    # kernels and terminals find the users' Python first
    "PATH": f"{Path(USER_PYTHON).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    "LMCOURSE_HUB_STATE": str(STATE),  # marks every process of this hub (the hub test looks for leftovers)
    "MPLBACKEND": "Agg",
}
if SPAWNER == "simple":
    c.SimpleLocalProcessSpawner.home_dir_template = os.environ.get("LMCOURSE_HUB_HOMES", str(STATE / "home")) + "/{username}"
    # nbgrader names a student by the OS account, which all users of this spawner share; in the
    # docker-stacks images every user is "jovyan" and nbgrader reads $JUPYTERHUB_USER by itself
    c.Spawner.environment["NBGRADER_STUDENT_ID"] = lambda spawner: spawner.user.name
    if os.geteuid() == 0:  # a trial run as root (containers, CI)
        c.Spawner.args = ["--ServerApp.allow_root=True"]

# --- nbgrader's course groups, for hubs that several courses share: formgrade-<course> holds the
#     graders, nbgrader-<course> the students (read by nbgrader's JupyterHubAuthPlugin) ------------
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE_ID}": {"users": ["instructor"]},
    f"nbgrader-{COURSE_ID}": {"users": []},
}

# --- a service that manages users and their servers through the REST API (the hub test uses it)
_token = os.environ.get("LMCOURSE_HUB_ADMIN_TOKEN")
if _token:
    c.JupyterHub.services = [{"name": "course-admin", "api_token": _token}]
    c.JupyterHub.load_roles = [{
        "name": "course-admin",
        "scopes": ["admin:users", "admin:servers", "access:servers", "tokens", "list:users", "read:users"],
        "services": ["course-admin"],
    }]
