"""``make cluster``: the coach as several Rasa servers behind nginx, on PostgreSQL and Redis.

    python -m bot.cluster          # what `make cluster` calls after setup and training

What runs (every internal port on 127.0.0.1, from CLUSTER_BASE_PORT, default 8100, clear of
5005, 5055 and 8080):
- max(2, cores) Rasa servers (``CLUSTER_SERVERS`` overrides), each the same
  ``python -m bot.rasa_server run`` as ``make run``, each with its own action server;
- PostgreSQL for the tracker, progress and cards: ``DATABASE_URL`` if it names PostgreSQL,
  else a private throwaway cluster (Debian's binaries, run as ``postgres`` when we are root);
- Redis for the conversation locks (``bot/lock_store.py``) and socket.io's rooms:
  ``REDIS_URL``, else a private ``redis-server``;
- the chat page's server, and nginx in front of everything on ``CLUSTER_PORT`` (default
  8000) of ``CLUSTER_HOST`` (default 127.0.0.1): REST and Telegram round-robin, socket.io
  sticky by client address, passive health checks (a server that refuses a connection is
  skipped for ``fail_timeout``; a request already sent is never sent twice).

It prints READY with the URL once nginx answers and every Rasa server is healthy. A server
that exits is started again (bot.launcher's Supervisor). Ctrl-C stops everything and
deletes the private databases.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot import cards, launcher
from bot.settings import PROJECT_DIR, masked

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
DEFAULT_PORT = 8000
DEFAULT_BASE_PORT = 8100
FORBIDDEN_PORTS = {5005, 5055, 8080}


def server_count(env: dict[str, str]) -> int:
    return max(1, int(env.get("CLUSTER_SERVERS") or max(2, os.cpu_count() or 1)))


@dataclass
class Layout:
    """Every port of the cluster, worked out from CLUSTER_PORT and CLUSTER_BASE_PORT."""

    host: str
    port: int
    base: int
    servers: int
    rasa_ports: list[int] = field(default_factory=list)
    action_ports: list[int] = field(default_factory=list)

    @classmethod
    def from_env(cls, env: dict[str, str]) -> Layout:
        layout = cls(
            host=env.get("CLUSTER_HOST") or "127.0.0.1",
            port=int(env.get("CLUSTER_PORT") or DEFAULT_PORT),
            base=int(env.get("CLUSTER_BASE_PORT") or DEFAULT_BASE_PORT),
            servers=server_count(env),
        )
        layout.rasa_ports = [layout.base + i for i in range(layout.servers)]
        layout.action_ports = [layout.base + 40 + i for i in range(layout.servers)]
        used = {layout.port, *layout.rasa_ports, *layout.action_ports, layout.web_port, layout.pg_port,
                layout.redis_port}
        clash = used & FORBIDDEN_PORTS
        if clash:
            raise ValueError(f"cluster ports {sorted(clash)} would clash with `make run`; "
                             "change CLUSTER_BASE_PORT or CLUSTER_PORT")
        return layout

    @property
    def web_port(self) -> int:
        return self.base + 80

    @property
    def pg_port(self) -> int:
        return self.base + 81

    @property
    def redis_port(self) -> int:
        return self.base + 82

    @property
    def url(self) -> str:
        shown = "localhost" if self.host in ("127.0.0.1", "0.0.0.0", "::") else self.host
        return f"http://{shown}:{self.port}"


def _as_service_user(user: str, command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the service's user then."""
    return ["runuser", "-u", user, "--", *command] if os.geteuid() == 0 else command


def wait_for_port(host: str, port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"a process for port {port} exited during start (code {process.returncode})")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on {host}:{port} within {timeout:.0f} s")


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary directory outside the clone."""

    def __init__(self, port: int, root: Path, output=None) -> None:
        self.port = port
        self.dir = root / "postgres"
        self.output = output
        self.process: subprocess.Popen | None = None
        self.url = f"postgresql://postgres@127.0.0.1:{port}/coach"

    def start(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL binaries not found in {PG_BIN}: `apt-get install postgresql` "
                               "or set DATABASE_URL to a PostgreSQL database")
        self.dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.dir.parent, "postgres", "postgres")
        subprocess.run(_as_service_user("postgres", [
            str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8"]), check=True, stdout=subprocess.DEVNULL, stderr=self.output)
        self.process = subprocess.Popen(_as_service_user("postgres", [
            str(PG_BIN / "postgres"), "-D", str(self.dir / "data"), "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.dir}",
            "-c", "max_connections=200", "-c", "log_min_messages=warning",
            "-c", "log_statement=none", "-c", "log_min_error_statement=panic",  # no message text in logs
        ]), start_new_session=True, stdout=self.output, stderr=subprocess.STDOUT if self.output else None)
        wait_for_port("127.0.0.1", self.port, 30, self.process)
        deadline = time.monotonic() + 30
        while True:
            done = subprocess.run(_as_service_user("postgres", [
                str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                "coach"]),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError("could not create the database in the private PostgreSQL")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # "fast" shutdown; runuser does not pass SIGINT on
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self, port: int, root: Path, output=None) -> None:
        self.port = port
        self.dir = root / "redis"
        self.output = output
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("redis-server not found: `apt-get install redis-server` or set REDIS_URL")
        self.dir.mkdir(parents=True)
        self.process = subprocess.Popen([
            binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(self.dir), "--loglevel", "warning",
        ], start_new_session=True, stdout=self.output, stderr=subprocess.STDOUT if self.output else None)
        wait_for_port("127.0.0.1", self.port, 15, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def nginx_config(layout: Layout, root: Path, show_upstream: bool = False) -> str:
    rasa = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in layout.rasa_ports)
    temp = root / "nginx-temp"
    # Which server answered, for the tests (CLUSTER_SHOW_UPSTREAM=1); off otherwise.
    debug = "        add_header X-Coach-Upstream $upstream_addr always;" if show_upstream else ""
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    return f"""# Made by bot/cluster.py for one run; not meant to be edited.
{user}worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
    # No access log: paths and addresses only would be safe, but nothing needs them.
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    client_max_body_size 1m;
    client_body_buffer_size 1m;
    server_tokens off;

    # REST and Telegram: round-robin. Passive health checks: a server that refuses a
    # connection is skipped for fail_timeout. proxy_next_upstream tries the next server only
    # when the connection could not be made: nginx never resends a POST that reached a server.
    upstream rasa {{
{rasa}
        # No kept-open connections: to a killed server one would fail after the request was
        # sent, which nginx may not retry for a POST; a fresh connect is refused and retried.
    }}
    # socket.io: one client address, one server (its rooms are shared through Redis anyway).
    upstream rasa_socket {{
        ip_hash;
{rasa}
    }}
    upstream webpage {{
        server 127.0.0.1:{layout.web_port};
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
    server {{
        listen {layout.host}:{layout.port};
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        # The client's address, which the servers trust from this proxy (bot/channels/access.py).
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header Connection "";
        proxy_connect_timeout 2s;
        proxy_read_timeout 120s;
        proxy_next_upstream error;
        proxy_next_upstream_tries 0;
{debug}

        location /webhooks/ {{
            proxy_pass http://rasa;
        }}
        location /socket.io/ {{
            proxy_pass http://rasa_socket;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 3600s;
        }}
        location = /status {{
            proxy_pass http://rasa;
        }}
        location = /version {{
            proxy_pass http://rasa;
        }}
        location / {{
            proxy_pass http://webpage;
        }}
    }}
}}
"""


class Cluster:
    """Everything ``make cluster`` runs; the cluster tests start the same thing."""

    def __init__(self, env: dict[str, str] | None = None, model: Path = launcher.MODEL, output=None,
                 root: Path | None = None) -> None:
        self.env = launcher.environment() if env is None else env
        self.layout = Layout.from_env(self.env)
        self.model = model
        self.output = output
        self.root = root or Path(tempfile.mkdtemp(prefix=f"coach-cluster-{self.layout.port}-"))
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            os.chmod(self.root, 0o755)
        self.postgres: PrivatePostgres | None = None
        self.redis: PrivateRedis | None = None
        self.processes: dict[str, subprocess.Popen] = {}
        self.supervisor: launcher.Supervisor | None = None

    # -- the stores -----------------------------------------------------------------------

    def start_stores(self) -> None:
        url = self.env.get("DATABASE_URL") or ""
        if not url.startswith("postgresql"):
            self.postgres = PrivatePostgres(self.layout.pg_port, self.root, self.output)
            self.postgres.start()
            self.env["DATABASE_URL"] = self.postgres.url
        if not (self.env.get("REDIS_URL") or "").strip():
            self.redis = PrivateRedis(self.layout.redis_port, self.root, self.output)
            self.redis.start()
            self.env["REDIS_URL"] = self.redis.url

    # -- the servers ----------------------------------------------------------------------

    def server_env(self, index: int) -> dict[str, str]:
        env = dict(self.env)
        env.update(
            RASA_PORT=str(self.layout.rasa_ports[index]),
            ACTION_SERVER_PORT=str(self.layout.action_ports[index]),
            # Browsers load the page from the balancer: its origin is the one to allow.
            WEB_PORT=str(self.layout.port),
            RASA_HOST="127.0.0.1", ACTION_SERVER_HOST="127.0.0.1", WEB_HOST="127.0.0.1",
            # One intra-op thread per server: the servers share the cores.
            TF_NUM_INTRAOP_THREADS=env.get("TF_NUM_INTRAOP_THREADS", "1"),
            OMP_NUM_THREADS=env.get("OMP_NUM_THREADS", "1"),
        )
        return env

    def commands(self) -> dict[str, tuple[list[str], dict[str, str], str]]:
        """name -> (command, environment, health URL)."""
        python = str(launcher.BIN / "python")
        result = {}
        for i in range(self.layout.servers):
            env = self.server_env(i)
            own = launcher.commands(env, self.model)
            urls = launcher.health_urls(env)
            result[f"action server {i + 1}"] = (own["action server"], env, urls["action server"])
            result[f"rasa server {i + 1}"] = (own["rasa server"], env, urls["rasa server"])
        web_env = dict(self.env)
        # The page's socket goes to the balancer, on whatever host name the page came from.
        web_env.update(RASA_PORT=str(self.layout.port), WEB_PORT=str(self.layout.web_port))
        result["web page"] = (
            [python, "-m", "bot.webpage", "--host", "127.0.0.1", "--port", str(self.layout.web_port)],
            web_env, f"http://127.0.0.1:{self.layout.web_port}/health")
        return result

    def start(self, timeout: float = 300, abort=None) -> None:
        self.start_stores()
        cards.load(self.env["DATABASE_URL"])
        os.environ["DATABASE_URL"] = self.env["DATABASE_URL"]
        commands = self.commands()
        self.processes = {name: launcher.spawn(command, env, self.output)
                          for name, (command, env, _) in commands.items()}
        urls = {name: url for name, (_, _, url) in commands.items()}
        pending = dict(urls)
        deadline = time.monotonic() + timeout
        while pending:
            if abort is not None and abort():
                raise launcher.StartAborted("Stopped during start.")
            for name, url in list(pending.items()):
                if self.processes[name].poll() is not None:
                    code = self.processes[name].returncode
                    raise RuntimeError(f"The {name} exited during start (code {code}).")
                if launcher.answers(url):
                    del pending[name]
            if pending and time.monotonic() > deadline:
                raise RuntimeError(f"Timed out waiting for: {', '.join(pending)}.")
            time.sleep(0.5)
        commands["nginx"] = (self.start_nginx(), self.env, f"http://127.0.0.1:{self.layout.port}/health")
        urls["nginx"] = commands["nginx"][2]
        self.supervisor = launcher.Supervisor(
            self.processes, {name: command for name, (command, _, _) in commands.items()}, self.env, urls,
            self.output)
        # Each server restarts with its own environment (ports), not the cluster's.
        self.supervisor.envs = {name: env for name, (_, env, _) in commands.items()}

    def start_nginx(self) -> list[str]:
        if not Path(NGINX).exists():
            raise RuntimeError(f"nginx not found at {NGINX}: `make cluster-tools` installs Debian's nginx")
        temp = self.root / "nginx-temp"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (temp / sub).mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(temp / sub, "nobody", "nogroup")
        config = self.root / "nginx.conf"
        config.write_text(nginx_config(self.layout, self.root, self.env.get("CLUSTER_SHOW_UPSTREAM") == "1"))
        command = [NGINX, "-p", str(self.root), "-c", str(config), "-g", "daemon off;"]
        self.processes["nginx"] = launcher.spawn(command, self.env, self.output)
        probe = "127.0.0.1" if self.layout.host in ("0.0.0.0", "::") else self.layout.host
        wait_for_port(probe, self.layout.port, 15, self.processes["nginx"])
        return command

    def stop(self) -> None:
        processes = self.supervisor.processes if self.supervisor else self.processes
        launcher.stop(processes)
        for store in (self.redis, self.postgres):
            if store is not None:
                store.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=launcher.MODEL)
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"No trained model at {args.model}: run 'make cluster' (it trains first).", file=sys.stderr)
        return 1
    try:
        cluster = Cluster(model=args.model)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    stopping: list[bool] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.append(True))
    code = 0
    try:
        cluster.start(abort=lambda: bool(stopping))
        print(f"Database: {masked(cluster.env['DATABASE_URL'])}  locks: Redis "
              f"{masked(cluster.env['REDIS_URL'])}  servers: {cluster.layout.servers}", flush=True)
        print(f"READY  {cluster.layout.url}/  (chat page; REST: {cluster.layout.url}/webhooks/rest/webhook)  "
              "Ctrl-C stops everything", flush=True)
        assert cluster.supervisor is not None
        code = cluster.supervisor.run(lambda: bool(stopping))
    except launcher.StartAborted:
        code = 0
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(error, file=sys.stderr)
        code = 1
    finally:
        print("Stopping...", flush=True)
        cluster.stop()
    return code


if __name__ == "__main__":
    os.chdir(PROJECT_DIR)
    sys.exit(main())
