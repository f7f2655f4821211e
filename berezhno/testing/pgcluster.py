"""A throw-away PostgreSQL server for fault and restore tests (decision 0028).

``Cluster`` runs ``initdb`` into a temporary directory with the binaries of the
installed server (``/usr/lib/postgresql/<version>/bin``, or ``PG_BINDIR``), listens on
127.0.0.1 on a free port of its own, and can be restarted, killed hard (SIGKILL to the
postmaster and every backend, as a crash would leave it) and started again. PostgreSQL
refuses to run as root: run as root (CI, containers), the server runs as the ``postgres``
OS user through ``runuser``. ``fsync`` is off — a killed process loses nothing the kernel
already holds, and only a machine crash would need it — and ``synchronous_commit`` stays
on, so an acknowledged commit is in the WAL the restarted server replays.
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def bindir() -> Path | None:
    """The directory of the newest installed server's binaries, or None."""
    if env := os.environ.get("PG_BINDIR"):
        return Path(env) if (Path(env) / "initdb").exists() else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def unavailable_reason() -> str | None:
    """Why a cluster cannot be started here, or None when it can."""
    if bindir() is None:
        return "no PostgreSQL server binaries (initdb) installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a `postgres` OS user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root without `runuser`"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, *, port: int | None = None) -> None:
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        self.bin = bindir()
        self.port = port or free_port()
        self.base = Path(tempfile.mkdtemp(prefix="berezhno-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.base, entry.pw_uid, entry.pw_gid)

    # ---------------------------------------------------------------- commands
    def _run(self, *args: str, check: bool = True, timeout: float = 60
             ) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, timeout=timeout, capture_output=True,
                              text=True, cwd=self.base)

    def init(self) -> "Cluster":
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.base}'\n"
                       "fsync = off\nfull_page_writes = off\nmax_connections = 60\n"
                       "shared_buffers = 64MB\n")
        return self

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop",
                  check=False)

    def restart(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-l", str(self.log), "-w",
                  "-t", "60", "restart")

    def postmaster_pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().split()[0])
        return None

    def kill(self) -> None:
        """SIGKILL to the postmaster and all its children: no shutdown at all; the next
        start replays the WAL (crash recovery)."""
        pid = self.postmaster_pid()
        if pid is None:
            return
        children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
                    and _ppid(int(p.name)) == pid]
        for victim in (pid, *children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in (pid, *children)):
            time.sleep(0.05)
        # A killed postmaster may linger as a zombie until its new parent reaps it, and
        # pg_ctl takes a zombie's pid in ``postmaster.pid`` for a running server: wait a
        # little for the reaping, then take the stale lock file away (nothing of the old
        # server runs any more).
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.05)
        with contextlib.suppress(FileNotFoundError):
            (self.data / "postmaster.pid").unlink()

    def psql(self, sql: str, *, database: str = "postgres") -> str:
        return self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                         "-d", database, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql).stdout

    def pg_tool(self, tool: str, *args: str, timeout: float = 120) -> str:
        """Run a client program of the server's version (pg_dump, pg_restore) against it,
        as this process's user (client programs may run as root)."""
        cmd = [str(self.bin / tool), "-h", "127.0.0.1", "-p", str(self.port), "-U",
               "postgres", *args]
        return subprocess.run(cmd, check=True, timeout=timeout, capture_output=True,
                              text=True).stdout

    def environ(self, database: str) -> dict[str, str]:
        """The variables that point Berezhno (``BEREZHNO_DB=postgres``) at this server."""
        return {"BEREZHNO_DB": "postgres", "PGHOST": "127.0.0.1", "PGPORT": str(self.port),
                "PGUSER": "postgres", "PGDATABASE": database, "PGPASSWORD": ""}

    def destroy(self) -> None:
        self.stop("immediate")
        self.kill()
        shutil.rmtree(self.base, ignore_errors=True)


def _ppid(pid: int) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[1])
    return None


def _alive(pid: int) -> bool:
    with contextlib.suppress(OSError, IndexError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return False


def fault_run_marks(what: str) -> list:
    """The marks of a test that needs a PostgreSQL of its own: it belongs to the PostgreSQL
    pass (or ``BEREZHNO_FAULT_RUN=1``) and is skipped, saying why, where no cluster can be
    started."""
    import pytest

    reason = unavailable_reason()
    return [
        pytest.mark.skipif(os.environ.get("BEREZHNO_DB") not in {"postgres", "postgresql"}
                           and os.environ.get("BEREZHNO_FAULT_RUN") != "1",
                           reason=f"{what} belongs to the PostgreSQL pass "
                                  "(BEREZHNO_DB=postgres, or BEREZHNO_FAULT_RUN=1)"),
        pytest.mark.skipif(reason is not None, reason=f"no PostgreSQL of its own: {reason}"),
    ]
