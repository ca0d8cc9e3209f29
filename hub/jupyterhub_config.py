"""JupyterHub configuration for the course: a documented example, used as is by tests/test_hub.py.

As written it runs a whole hub on one machine for a trial or a test: every user's server is a
local process of the account running the hub (``SimpleLocalProcessSpawner``), users log in with any
password (``DummyAuthenticator``), everything listens on loopback. A department's hub keeps the
nbgrader parts and swaps the marked lines: a real authenticator, and a container spawner running
the course image (hub/Dockerfile) with the exchange folder mounted into every container.

Environment (all optional):
    LMCOURSE_HUB_STATE       folder for the hub's database, cookie secret and proxy pid (default: cwd)
    LMCOURSE_HUB_PORT        public port of the proxy (default 8000)
    LMCOURSE_HUB_API_PORT    the hub's own port, reached by the proxy and the users' servers (8081)
    LMCOURSE_PROXY_API_PORT  configurable-http-proxy's REST API port (8001)
    LMCOURSE_HUB_HOMES       parent of the users' home (notebook) folders (default: <state>/home)
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

# --- users' servers: REPLACE for a real hub, e.g. DockerSpawner / KubeSpawner with the course image
#   c.JupyterHub.spawner_class = "docker"
#   c.DockerSpawner.image = "<registry>/lmcourse-student:<tag>"       # the student edition's hub.Dockerfile
#   and, for the staff, the course-staff image (hub/Dockerfile), e.g. chosen per user in a pre_spawn_hook:
#   spawner.image = "<registry>/lmcourse-staff:<tag>" if spawner.user.name in STAFF else spawner.image
#   c.DockerSpawner.volumes = {"/srv/nbgrader/exchange": "/srv/nbgrader/exchange"}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.environ.get("LMCOURSE_HUB_HOMES", str(STATE / "home")) + "/{username}"
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.default_url = "/lab"
if os.geteuid() == 0:  # a trial run as root (containers, CI); the course image runs as jovyan
    c.Spawner.args = ["--ServerApp.allow_root=True"]
c.Spawner.environment = {
    # nbgrader: the exchange, and the student id of each user. All users of this spawner share one
    # OS account, so nbgrader cannot tell them apart by account; in the docker-stacks images every
    # user is "jovyan" and nbgrader reads $JUPYTERHUB_USER by itself, so this line is harmless there.
    "NBGRADER_EXCHANGE": EXCHANGE,
    "NBGRADER_STUDENT_ID": lambda spawner: spawner.user.name,
    # where the users' servers find hub/singleuser/nbgrader_config.py (/etc/jupyter/ in the image)
    "JUPYTER_CONFIG_PATH": str(HERE / "singleuser"),
    "LMCOURSE_HUB_STATE": str(STATE),  # marks every process of this hub (the hub test looks for leftovers)
    "MPLBACKEND": "Agg",
}

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
