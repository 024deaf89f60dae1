"""The pieces a browser journey runs against, started and stopped here: a station made with the real `tongdang`
binary (init, users with passwords, a ledger), `tongdang serve` on a free loopback port, a county server
(`tongdang-server`) on another, and headless Chromium driven through chromedriver (python3-selenium).

Everything listens on 127.0.0.1 only and is stopped by World.close(), which the runner calls in a `finally` (and
at exit), so a failing journey leaves no process behind. A missing chromium or chromedriver is a failure with the
package to install, never a skip.
"""

import atexit
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

# The day the station lives in (the CLI tests' date), so due dates and ages do not drift. Sign-in keeps real
# time (core/store/sign_in.h), so a session still expires.
TODAY = "2026-11-28"
TOWNSHIP = "320324102"  # 王集镇, 睢宁县
VILLAGE_WANG = "320324102203"  # 王强's village
VILLAGE_ZHAO = "320324102204"  # 赵敏's village, outside 王强's scope

SUPERVISOR = ("李芳", "督导员的密码123")
DIRECTOR = ("王强", "主任的密码456")
COUNTY_USER = ("县中心张主任", "县中心的密码789")  # a user of the county's console (tongdang-server user add)
OTHER_DIRECTOR = ("赵敏", "主任的密码789")

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
INSTALL_HINT = "apt-get install -y --no-install-recommends chromium chromium-driver python3-selenium fonts-noto-cjk " \
               "(scripts/install-deps.sh --with-test-tools)"

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(body17):
    """A GB 11643 number from its first 17 digits: the check character of docs/domain.md "ID numbers"."""
    total = sum(int(d) * w for d, w in zip(body17, _WEIGHTS))
    return body17 + "10X98765432"[total % 11]


def mistyped(number):
    """The same number with a wrong check character (what a slip of the finger gives)."""
    last = number[-1]
    return number[:-1] + ("1" if last != "1" else "2")


class Missing(Exception):
    """A piece the browser suite needs is not installed."""


def check_tools():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3-selenium")
    if missing:
        raise Missing("缺少浏览器测试工具 / browser test tools missing: " + ", ".join(missing) + "\n  install: " +
                      INSTALL_HINT)


class Process:
    """A background program in its own process group, its output in a file; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, args, log_path, env=None):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env, start_new_session=True)

    def wait_for(self, pattern, timeout=20):
        """The first match of `pattern` in the output, waiting at most `timeout` seconds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            m = re.search(pattern, text)
            if m:
                return m
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.proc.args[0]} exited ({self.proc.returncode}):\n{text}")
            time.sleep(0.05)
        raise RuntimeError(f"{self.proc.args[0]}: no {pattern!r} within {timeout} s:\n{text}")

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        self.log.close()


class World:
    """One station (and a county server) for a whole run; every journey signs in afresh."""

    def __init__(self, bin_dir, source_dir, keep=False):
        check_tools()
        self.bin_dir = bin_dir
        self.source_dir = source_dir
        self.keep = keep
        self.dir = tempfile.mkdtemp(prefix="tongdang-browser-")
        self.db = os.path.join(self.dir, "station.db")
        self.central = os.path.join(self.dir, "central.db")
        self.processes = []
        self.drivers = []
        self.county_url = None
        self.station_token = None
        atexit.register(self.close)

    # ---- the real binaries ----
    def env(self, password=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("TONGDANG_")}
        env.update({"TONGDANG_NOW": TODAY, "LANG": "C.UTF-8"})
        if password is not None:
            env["TONGDANG_PASSWORD"] = password
        return env

    def tongdang(self, *args, user=SUPERVISOR, stdin=None, check=True, db=None):
        """`tongdang --db station.db ARGS…` signed in as `user` (its password in TONGDANG_PASSWORD); `db` another
        station's database."""
        cmd = [os.path.join(self.bin_dir, "tongdang"), "--db", db or self.db]
        if user is not None:
            cmd += ["--as", user[0]]
        cmd += list(args)
        run = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                             env=self.env(user[1] if user else None), timeout=60)
        if check and run.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} -> {run.returncode}\n{run.stdout}\n{run.stderr}")
        return run

    def server_cli(self, *args):
        cmd = [os.path.join(self.bin_dir, "tongdang-server"), "--db", self.central] + list(args)
        run = subprocess.run(cmd, capture_output=True, text=True, env=self.env(), timeout=60)
        if run.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} -> {run.returncode}\n{run.stdout}\n{run.stderr}")
        return run.stdout

    def make_station(self):
        """init (the supervisor), two directors with their villages, the 王集 ledger."""
        help_text = self.tongdang("--help", user=None).stdout
        if "--password-stdin" not in help_text:
            raise RuntimeError("tongdang has no --password-stdin: the journeys create their users with passwords "
                               "through the real CLI (branch signin: init and user add --password-stdin)")
        self.tongdang("--password-stdin", "init", "--township", TOWNSHIP, "--name", "王集镇未保站", "--user",
                      SUPERVISOR[0], "--role", "supervisor", user=None, stdin=SUPERVISOR[1] + "\n")
        for name, password, village in ((DIRECTOR[0], DIRECTOR[1], VILLAGE_WANG),
                                        (OTHER_DIRECTOR[0], OTHER_DIRECTOR[1], VILLAGE_ZHAO)):
            self.tongdang("--password-stdin", "user", "add", name, "--role", "director", "--villages", village,
                          stdin=password + "\n")
        self.tongdang("import", os.path.join(self.source_dir, "fixtures", "ledgers", "wangji-2026.csv"))

    def serve(self, *extra):
        """`tongdang serve` on a free loopback port; returns its base URL."""
        log = os.path.join(self.dir, f"serve-{len(self.processes)}.log")
        p = Process([os.path.join(self.bin_dir, "tongdang"), "--db", self.db, "serve", "--listen", "127.0.0.1:0"]
                    + list(extra), log, env=self.env())
        self.processes.append(p)
        port = p.wait_for(r"http://127\.0\.0\.1:(\d+)/").group(1)
        return f"http://127.0.0.1:{port}"

    def county_server(self):
        """The county's server on loopback (plain HTTP: loopback only) and a token for this township's station.
        Started once per run: a second call returns the same address."""
        if self.county_url:
            return self.county_url
        self.server_cli("init", "--county", TOWNSHIP[:6], "--name", "睢宁县未保中心")
        self.station_token = json.loads(self.server_cli("--json", "station", "add", "--township", TOWNSHIP))["token"]
        log = os.path.join(self.dir, "county.log")
        p = Process([os.path.join(self.bin_dir, "tongdang-server"), "--db", self.central, "serve", "--listen",
                     "127.0.0.1:0", "--insecure"], log, env=self.env())
        self.processes.append(p)
        port = p.wait_for(r'"listen":"127\.0\.0\.1:(\d+)"').group(1)
        self.county_url = f"http://127.0.0.1:{port}"
        return self.county_url

    def second_laptop(self):
        """A second station of the township (another laptop, its own token), made once: returns its database, its
        supervisor and its token."""
        if getattr(self, "_second", None):
            return self._second
        db = os.path.join(self.dir, "station2.db")
        person = ("周督导", "二号机督导的密码321")
        self.tongdang("--password-stdin", "init", "--township", TOWNSHIP, "--name", "王集镇未保站（二号机）", "--user",
                      person[0], "--role", "supervisor", user=None, stdin=person[1] + "\n", db=db)
        token = json.loads(self.server_cli("--json", "station", "add", "--township", TOWNSHIP))["token"]
        self._second = (db, person, token)
        return self._second

    def console_user(self):
        """A user of the county's console, made as an administrator does (`user add … --password-stdin`), once."""
        if not getattr(self, "_console_user_made", False):
            cmd = [os.path.join(self.bin_dir, "tongdang-server"), "--db", self.central, "user", "add", COUNTY_USER[0],
                   "--role", "county", "--password-stdin"]
            run = subprocess.run(cmd, input=COUNTY_USER[1] + "\n", capture_output=True, text=True, env=self.env(),
                                 timeout=60)
            if run.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} -> {run.returncode}\n{run.stdout}\n{run.stderr}")
            self._console_user_made = True
        return COUNTY_USER

    def silent_station(self, township):
        """A station of `township` that said hello to the county once and never synced (a stale station)."""
        import urllib.request
        token = json.loads(self.server_cli("--json", "station", "add", "--township", township))["token"]
        station_id = "0193a000-0000-7000-8000-" + township[-9:].rjust(12, "0")
        body = json.dumps({"protocol": 1, "station_id": station_id, "township": township}).encode()
        request = urllib.request.Request(self.county_url + "/v1/sync/hello", data=body, method="POST", headers={
            "Authorization": "Bearer " + token, "X-Tongdang-Station": station_id, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200, answer.status

    def count_central(self, sql, *params):
        con = sqlite3.connect(f"file:{self.central}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(sql, params).fetchone()[0]
        finally:
            con.close()

    # ---- reading what was saved (counts, never writes) ----
    def count(self, sql, *params):
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(sql, params).fetchone()[0]
        finally:
            con.close()

    # ---- the browser ----
    def browser(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--lang=zh-CN", f"--user-data-dir={tempfile.mkdtemp(dir=self.dir)}"):
            options.add_argument(arg)
        service = Service(executable_path=CHROMEDRIVER, log_path=os.path.join(self.dir, "chromedriver.log"))
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_page_load_timeout(30)
        self.drivers.append(driver)
        return driver

    def log_tails(self, lines=15):
        """The last lines each background program wrote: what a failed journey's report ends with."""
        out = []
        for p in self.processes:
            with open(p.log_path, "rb") as f:
                tail = f.read().decode("utf-8", "replace").splitlines()[-lines:]
            out.append(f"--- {os.path.basename(p.log_path)} ({' '.join(p.proc.args[1:4])} …)\n" + "\n".join(tail))
        return "\n".join(out)

    def close(self):
        for driver in self.drivers:
            try:
                driver.quit()
            except Exception:  # the browser may already be gone; the service is stopped by quit() or at exit
                pass
        self.drivers = []
        for p in reversed(self.processes):
            p.stop()
        self.processes = []
        if self.dir and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
