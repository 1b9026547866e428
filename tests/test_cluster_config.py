"""`make cluster`'s layout and nginx configuration (bot/cluster.py), without starting servers."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from bot import cluster


def test_ports_stay_clear_of_make_run_and_servers_follow_the_cores():
    layout = cluster.Layout.from_env({})
    assert layout.port == 8000 and layout.host == "127.0.0.1"
    assert layout.servers == max(2, os.cpu_count() or 1)
    used = {layout.port, *layout.rasa_ports, *layout.action_ports, layout.web_port, layout.pg_port,
            layout.redis_port}
    assert not used & {5005, 5055, 8080} and len(used) == 2 * layout.servers + 4
    with pytest.raises(ValueError):
        cluster.Layout.from_env({"CLUSTER_BASE_PORT": "5000", "CLUSTER_SERVERS": "6"})  # 5005 would clash
    assert cluster.Layout.from_env({"CLUSTER_SERVERS": "3"}).servers == 3


def test_nginx_config_balances_and_passes_the_client_address(tmp_path):
    env = {"CLUSTER_PORT": "18400", "CLUSTER_BASE_PORT": "18500", "CLUSTER_SERVERS": "2"}
    layout = cluster.Layout.from_env(env)
    config = cluster.nginx_config(layout, tmp_path)
    assert "listen 127.0.0.1:18400;" in config
    assert "proxy_set_header X-Real-IP $remote_addr;" in config
    assert "X-Forwarded-For" not in config  # the servers would then treat everyone as remote
    assert config.count("server 127.0.0.1:18500 max_fails=1") == 2  # round-robin and sticky upstreams
    assert "ip_hash;" in config and "proxy_next_upstream error;" in config
    assert "access_log off;" in config and "X-Coach-Upstream" not in config


@pytest.mark.skipif(not Path(cluster.NGINX).exists(), reason="nginx not installed (make cluster-tools)")
def test_nginx_accepts_the_config():
    root = Path(tempfile.mkdtemp(prefix="coach-nginx-test-"))
    try:
        os.chmod(root, 0o755)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (root / "nginx-temp" / sub).mkdir(parents=True)
        layout = cluster.Layout.from_env({"CLUSTER_PORT": "18400", "CLUSTER_BASE_PORT": "18500"})
        (root / "nginx.conf").write_text(cluster.nginx_config(layout, root, show_upstream=True))
        checked = subprocess.run([cluster.NGINX, "-t", "-p", str(root), "-c", str(root / "nginx.conf")],
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
    finally:
        shutil.rmtree(root, ignore_errors=True)
