"""kimbot as it runs in production, for the service test: instances as processes in webhook
mode on PostgreSQL, and Debian's nginx balancing round-robin in front of them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.support.needs import skip_or_fail

ROOT = Path(__file__).parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Instance:
    port: int
    process: asyncio.subprocess.Process
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)


async def healthy(url: str, seconds: float = 60.0) -> bool:
    """Wait until `url`/healthz answers 200."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        for _ in range(int(seconds * 10)):
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return True
            await asyncio.sleep(0.1)
    return False


@contextlib.asynccontextmanager
async def instances(count: int, env: dict[str, str], folder: Path) -> AsyncIterator[list[Instance]]:
    """`count` processes of `kimbot run` with `env`, each on a port of its own, healthy."""
    started: list[Instance] = []
    try:
        for n in range(count):
            port = free_port()
            log = folder / f"kimbot-{n}.log"
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", cwd=ROOT,
                env={**os.environ, **env, "KIMBOT_HTTP_PORT": str(port)},
                stdout=log.open("wb"), stderr=asyncio.subprocess.STDOUT)
            started.append(Instance(port, process, log))
        for instance in started:
            if not await healthy(instance.url):
                raise AssertionError(f"instance on {instance.port} did not become healthy:\n"
                                     + instance.log.read_text()[-3000:])
        yield started
    finally:
        for instance in started:
            if instance.process.returncode is None:
                instance.process.terminate()
        for instance in started:
            try:
                await asyncio.wait_for(instance.process.wait(), 20)
            except TimeoutError:
                instance.kill()
                await instance.process.wait()


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream kimbot {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://kimbot;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_next_upstream error timeout;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""


@contextlib.asynccontextmanager
async def nginx(upstreams: list[int], folder: Path) -> AsyncIterator[str]:
    """Debian's nginx on a free port, round-robin over `upstreams`; yields its base URL."""
    if NGINX is None:
        skip_or_fail("nginx not installed (apt-get install nginx)")
    assert NGINX is not None
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;"
                        for p in upstreams)
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, servers=servers, port=port))
    log = folder / "nginx.out"
    process = await asyncio.create_subprocess_exec(
        NGINX, "-p", str(folder), "-e", str(folder / "nginx-error.log"), "-c", str(conf),
        stdout=log.open("wb"), stderr=asyncio.subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        if not await healthy(url, 20):
            raise AssertionError("nginx did not start:\n" + log.read_text()
                                 + (folder / "nginx-error.log").read_text())
        yield url
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


async def kimbot(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """A `kimbot` command as its own process; (exit code, output)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, cwd=ROOT, env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()
