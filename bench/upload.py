"""Officer uploads through the chunked endpoint on waitress: `python bench/upload.py [--gigabytes G] [--rows N]`.

Starts `ppid serve` (waitress) as a child process on a fresh instance, signs in as an officer, creates a
draft and then:

1. uploads a generated file of ``--gigabytes`` (default 1) in parts, exactly as ppid/static/uploader.js does,
   and prints the throughput and the server process's peak RSS (VmHWM from /proc, target under 200 MB);
   its columns match no schema, so this measures the upload path, not validation;
2. uploads a ``--rows`` (default 200,000) row `kejadian_bencana` table with a few broken cells, and prints
   the time from the last byte sent to the validation report shown (finish call + report page).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
PPID = str(Path(sys.executable).parent / "ppid")
MiB = 1024 * 1024
PASSWORD = "kata-sandi-uji-unggahan-besar"  # the password policy refuses one containing the user name
sys.path.insert(0, str(REPO))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has ever used."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def generate_blob(path: Path, size: int) -> None:
    """A CSV-looking file whose columns match no schema: stored as a document, never validated."""
    block = ("nomor,catatan\n" + "".join(f"{n},{random.Random(n).randbytes(24).hex()}\n" for n in range(20_000)))
    data = block.encode()
    with path.open("wb") as out:
        written = 0
        while written < size:
            piece = data[: size - written]
            out.write(piece)
            written += len(piece)


class Officer:
    """The same calls uploader.js makes, over real HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        token = self._token("/masuk")
        response = self.http.post(f"{base}/masuk", data={"username": "bench", "password": PASSWORD,
                                                         "csrf_token": token}, allow_redirects=False)
        response.raise_for_status()
        self.token = self._token("/unggah/")
        self.http.headers["X-CSRFToken"] = self.token

    def _token(self, path: str) -> str:
        page = self.http.get(self.base + path).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def new_draft(self, title: str) -> int:
        response = self.http.post(f"{self.base}/unggah/draf/baru", allow_redirects=False, data={
            "csrf_token": self.token, "dinas": "bpkad", "dataset": "", "title": title, "year": "2024",
            "kontak": "ppid.bpkad@contoh.go.id"})
        assert response.status_code == 302, response.text
        return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def send_parts(self, draft_id: int, path: Path) -> dict:
        size = path.stat().st_size
        began = self.http.post(f"{self.base}/unggah/draf/{draft_id}/unggahan", json={"name": path.name, "size": size})
        assert began.status_code == 201, began.text
        session = began.json()
        with path.open("rb") as source:
            for number in range(1, session["part_count"] + 1):
                body = source.read(session["part_size"])
                sent = self.http.put(self.base + session["part_url"] + str(number), data=body,
                                     headers={"Content-Type": "application/octet-stream"})
                assert sent.status_code == 200, sent.text
        return session

    def finish(self, session: dict) -> dict:
        finished = self.http.post(self.base + session["finish_url"])
        assert finished.status_code == 200, finished.text
        return finished.json()


def prepare_instance(home: Path) -> dict[str, str]:
    env = {**os.environ, "PPID_HOME": str(home), "PPID_SECRET_KEY": "bench", "PPID_CATALOGUE_API_TOKEN": "bench"}
    for name in ("PPID_DATABASE_URL", "PPID_STORAGE_URL", "PPID_REDIS_URL"):
        env.pop(name, None)
    subprocess.run([PPID, "user", "create", "bench", "--email", "bench@contoh.go.id",
                    "--name", "Petugas Bench", "--role", "petugas:bpkad", "--password", PASSWORD],
                   env=env, check=True, cwd=REPO, capture_output=True)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=1.0, help="size of the chunked upload (default 1)")
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the table to validate (default 200,000)")
    parser.add_argument("--workdir", type=Path, default=None, help="where to put the instance (default: a temp dir)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ppid-bench-upload-", dir=args.workdir) as scratch:
        work = Path(scratch)
        env = prepare_instance(work / "instance")
        port = free_port()
        server = subprocess.Popen([PPID, "serve", "--port", str(port)], env=env, cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            for _attempt in range(100):
                try:
                    requests.get(base + "/healthz", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
            officer = Officer(base)
            rss_idle = peak_rss_mb(server.pid)

            blob = work / "unggahan-besar.csv"
            generate_blob(blob, int(args.gigabytes * 1024 * MiB))
            size = blob.stat().st_size
            draft_id = officer.new_draft("Bench unggahan besar")
            started = time.perf_counter()
            session = officer.send_parts(draft_id, blob)
            parts_done = time.perf_counter()
            officer.finish(session)
            finished = time.perf_counter()
            blob.unlink()
            print(f"chunked upload   {size / MiB:,.0f} MiB in {session['part_count']} parts of "
                  f"{session['part_size'] // MiB} MiB")
            print(f"  parts sent     {parts_done - started:6.1f} s  {size / MiB / (parts_done - started):6.1f} MiB/s")
            print(f"  finish (join, scratch copy, sniff) {finished - parts_done:6.1f} s")
            print(f"  end to end     {finished - started:6.1f} s  {size / MiB / (finished - started):6.1f} MiB/s")
            print(f"  server peak RSS {peak_rss_mb(server.pid):6.1f} MB (after start-up and sign-in: {rss_idle:.1f} MB;"
                  " target < 200 MB)")

            from bench.validation import generate

            table = work / "kejadian-bencana.csv"
            rows, broken = generate(table, rows=args.rows, size=None, broken_share=0.001)
            draft_id = officer.new_draft("Bench laporan validasi")
            session = officer.send_parts(draft_id, table)
            uploaded = time.perf_counter()
            result = officer.finish(session)
            draft_page = officer.http.get(base + result["redirect"]).text
            report_id = re.search(r'href="/laporan/(\d+)"', draft_page).group(1)
            report = officer.http.get(f"{base}/laporan/{report_id}")
            shown = time.perf_counter()
            assert report.status_code == 200 and "Cara memperbaiki" in report.text, "no report shown"
            print(f"validation       {rows:,} rows ({table.stat().st_size / MiB:.1f} MiB, {broken} broken cells), "
                  f"state {result['state']}")
            print(f"  upload finished -> report shown {shown - uploaded:6.1f} s")
            print(f"  server peak RSS {peak_rss_mb(server.pid):6.1f} MB (validation runs inline in the server)")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
