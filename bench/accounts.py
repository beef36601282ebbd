"""Sign-in and API-token costs: `python bench/accounts.py [--requests N]`.

Builds a fresh instance (SQLite in a temporary folder) with one officer, then times through the real app:
a password sign-in (argon2id verification, the dominant cost), a refused sign-in for an unknown account
(must cost the same, or timing tells which accounts exist), and a page fetched with a bearer token
against the same page with a session cookie. Also prints how many guesses per day the lockout allows.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "pohon-mangga-berbuah-lebat"


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per measurement (default 40)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))

    from ppid.accounts.config import AccountsConfig
    from ppid.accounts.models import Role
    from ppid.accounts.service import Grant, create_user
    from ppid.accounts.tokens import create_token
    from ppid.app import create_app
    from ppid.config import load_settings
    from ppid.platform import Platform

    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(environ={"PPID_HOME": home, "PPID_SECRET_KEY": "bench"})
        platform = Platform.open(settings)
        with platform.database.session() as session:
            user = create_user(session, username="petugas", email="p@contoh.go.id", full_name="Petugas",
                               password=PASSWORD, grants=[Grant(Role.OFFICER, "dinkes")])
            _token, secret = create_token(session, user, "bench")
        app = create_app(platform=platform)
        app.config["WTF_CSRF_ENABLED"] = False  # the form's token is not what is measured
        client = app.test_client()

        def sign_in(name: str, password: str) -> None:
            client.post("/masuk", data={"username": name, "password": password},
                        environ_base={"REMOTE_ADDR": f"10.0.{len(name)}.{int(time.time_ns()) % 250}"})

        ok = timed(lambda: sign_in("petugas", PASSWORD), args.requests)
        unknown = timed(lambda: sign_in("tidak-ada", PASSWORD), args.requests)
        cookie_page = timed(lambda: client.get("/akun/"), args.requests)
        script = app.test_client()
        bearer_page = timed(lambda: script.get("/akun/", headers={"Authorization": f"Bearer {secret}"}),
                            args.requests)
        assert re.search("petugas", script.get("/akun/", headers={"Authorization": f"Bearer {secret}"}).text)
        platform.close()

    config = AccountsConfig()
    per_day = 24 * 60 // config.lockout_minutes
    print(f"requests per measurement     {args.requests}")
    print(f"sign-in, right password      median {ok[0]:7.1f} ms   p95 {ok[1]:7.1f} ms")
    print(f"sign-in, unknown account     median {unknown[0]:7.1f} ms   p95 {unknown[1]:7.1f} ms")
    print(f"/akun/ with session cookie   median {cookie_page[0]:7.1f} ms   p95 {cookie_page[1]:7.1f} ms")
    print(f"/akun/ with bearer token     median {bearer_page[0]:7.1f} ms   p95 {bearer_page[1]:7.1f} ms")
    print(f"password guesses per account per day at most {config.failures_before_lockout * per_day}"
          f" ({config.failures_before_lockout} per {config.lockout_minutes} min)")
    print(f"guesses per address per day at most {config.address_failures_before_lockout * per_day}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
