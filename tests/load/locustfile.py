"""The load test's users: signed-in staff and anonymous customers (`make load`, tests/load/run.sh).

- Frontline staff open their home page, the complaint queue and the complaint form, and log a
  complaint (GET the form, POST it with its CSRF token, expect the redirect to the complaint).
- Quality managers open the system-health dashboard (their home: "/" sends them there) and the
  whole complaint queue.
- Customers open the public survey page and answer it (a valid score, CSRF token included).

Every signed-in user shares the session of one demo account: each account signs in once per
locust process, so the run measures the pages rather than the password hash (deliberately slow,
and a few hundred sign-ins a minute is not how staff work); the sign-ins are reported too.

Locust patches the standard library with gevent before it loads this file: nothing here imports
Django or the project. What the users need from the database comes from prepare.py as JSON
(LOAD_TARGETS). At the end a summary per endpoint and overall is printed (throughput, p50, p95,
p99, errors) and the exit code is 1 when any request failed or none was made.
"""

import copy
import itertools
import json
import os
import random
import re
from collections.abc import Iterator
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any

from gevent.lock import Semaphore
from locust import FastHttpUser, between, events, task
from locust.env import Environment
from locust.stats import StatsEntry

TARGETS = json.loads(Path(os.environ["LOAD_TARGETS"]).read_text())
PASSWORD = os.environ.get("LOAD_PASSWORD", "loyalty-demo")
SESSION_COOKIE = "sessionid"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SCORE_CHOICE = re.compile(r'name="score"[^>]*value="(\d+)"')
# The environment of this run, for the summary printed at the very end.
RUN: dict[str, Environment] = {}
# The quality manager's home: "/" redirects them here.
DASHBOARD = "/reports/"
# Seconds a person spends reading or typing between two pages: THINK ("1-5" by default). With
# 1-5 s, 100 users cannot ask for much more than 40 pages a second whatever the server does;
# a shorter think time ("0.2-1") measures what the server sustains.
THINK_LOW, THINK_HIGH = (float(bound) for bound in os.environ.get("THINK", "1-5").split("-"))
THINK_TIME = between(THINK_LOW, THINK_HIGH)


def csrf_token(html: str) -> str:
    """Return the CSRF token of the page's form (empty when there is none: the POST fails)."""
    found = CSRF_FIELD.search(html)
    return found.group(1) if found else ""


class Sessions:
    """The session cookie of each demo account signed in so far in this locust process."""

    cookies: dict[str, Cookie] = {}
    locks: dict[str, Semaphore] = {}
    next_index: Iterator[int] = itertools.count()


class StaffUser(FastHttpUser):
    """A signed-in colleague on one of the role's demo accounts (taken in turn)."""

    abstract = True
    wait_time = THINK_TIME
    role = ""

    def on_start(self) -> None:
        """Take the account's session, signing it in when no other user has yet."""
        accounts = TARGETS[self.role]
        account = accounts[next(Sessions.next_index) % len(accounts)]
        with Sessions.locks.setdefault(account, Semaphore()):
            if account not in Sessions.cookies:
                Sessions.cookies[account] = self.sign_in(account)
        self.client.cookiejar.set_cookie(copy.copy(Sessions.cookies[account]))

    def sign_in(self, account: str) -> Cookie:
        """Sign in on the login page and return the session cookie it set."""
        page = self.client.get("/accounts/login/", name="GET /accounts/login/")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": account,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf_token(page.text or ""),
            },
            name="POST /accounts/login/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {account} answered {response.status_code}")
        for cookie in self.client.cookiejar:
            if cookie.name == SESSION_COOKIE:
                return cookie
        raise RuntimeError(f"Signing in as {account} set no session cookie.")

    def page(self, path: str, name: str) -> str:
        """GET a signed-in page; anything but 200 (a redirect to the login page) fails."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
            return response.text or ""


class FrontlineUser(StaffUser):
    """Frontline staff: home, their complaint queue, logging complaints."""

    weight = 5
    role = "frontline"

    @task(3)
    def home(self) -> None:
        """Open the home page."""
        self.page("/", "GET / (home)")

    @task(3)
    def queue(self) -> None:
        """Open the complaint queue (their own complaints)."""
        self.page("/feedback/complaints/", "GET /feedback/complaints/ (queue)")

    @task(2)
    def log_complaint(self) -> None:
        """Open the complaint form and log a complaint with it."""
        form = self.page("/feedback/complaints/new/", "GET /feedback/complaints/new/ (form)")
        with self.client.post(
            "/feedback/complaints/new/",
            data={
                "csrfmiddlewaretoken": csrf_token(form),
                "description": f"Load test: parcel {random.randint(1, 10**6)} arrived late.",
                "severity": str(random.choice([1, 2, 2, 3])),
                "channel": "phone",
                "journey": "",
                "touchpoint": "",
            },
            name="POST /feedback/complaints/new/ (log)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/feedback/complaints/" not in location:
                response.failure(f"answered {response.status_code}, not the saved complaint")


class QualityManagerUser(StaffUser):
    """Quality managers: the system-health dashboard and every complaint in the queue."""

    weight = 1
    role = "quality"

    @task(1)
    def dashboard(self) -> None:
        """Open the system-health dashboard (where their home page sends them)."""
        self.page(DASHBOARD, f"GET {DASHBOARD} (dashboard)")

    @task(1)
    def queue(self) -> None:
        """Open the queue of all complaints."""
        self.page("/feedback/complaints/", "GET /feedback/complaints/ (queue)")


class CustomerUser(FastHttpUser):
    """A customer without an account, answering the public survey from its link."""

    weight = 4
    wait_time = THINK_TIME

    @task
    def answer_survey(self) -> None:
        """Open the survey page, then answer it with one of its scores."""
        path = f"/s/{TARGETS['survey_token']}/"
        with self.client.get(path, name="GET /s/<token>/ (survey)", catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"answered {page.status_code}")
                return
            html = page.text or ""
        scores = SCORE_CHOICE.findall(html)
        with self.client.post(
            path,
            data={"csrfmiddlewaretoken": csrf_token(html), "score": random.choice(scores or [""])},
            name="POST /s/<token>/ (answer)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"answered {response.status_code}, not the thank-you page")


def summary_line(name: str, entry: StatsEntry, width: int) -> str:
    """Return one row of the summary: requests, throughput, percentiles (ms) and failures."""
    p50, p95, p99 = (entry.get_response_time_percentile(share) for share in (0.5, 0.95, 0.99))
    return (
        f"{name:<{width}} {entry.num_requests:>8} {entry.total_rps:>7.1f} "
        f"{p50:>7.0f} {p95:>7.0f} {p99:>7.0f} {entry.num_failures:>7}"
    )


@events.quitting.add_listener
def set_exit_code(environment: Environment, **_kwargs: Any) -> None:
    """Fail the run when any request failed, or when none was made."""
    total = environment.stats.total
    environment.process_exit_code = 1 if total.num_failures or not total.num_requests else 0


@events.init.add_listener
def remember_environment(environment: Environment, **_kwargs: Any) -> None:
    """Keep the run's environment for the summary printed when locust quits."""
    RUN["environment"] = environment


@events.quit.add_listener
def print_summary(**_kwargs: Any) -> None:
    """Print throughput, p50/p95/p99 (ms) and failures per endpoint and overall, last."""
    environment = RUN["environment"]
    stats = environment.stats
    entries = sorted(stats.entries.values(), key=lambda entry: entry.name)
    width = max([len(entry.name) for entry in entries] + [len("overall")])
    users = environment.parsed_options.num_users if environment.parsed_options else "?"
    print(f"\nLoad test summary: {users} users, times in ms")
    print(f"{'endpoint':<{width}} {'requests':>8} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} "
          f"{'errors':>7}")  # fmt: skip
    for entry in entries:
        print(summary_line(entry.name, entry, width))
    print(summary_line("overall", stats.total, width))
    for error in stats.errors.values():
        print(f"  error x{error.occurrences}: {error.name}: {error.error}")
