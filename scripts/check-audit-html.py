#!/usr/bin/env python3
"""Checks the HTML evidence pack in a real browser (SPEC 4.2, issue 11).

Builds the example ISMS (`govlint init --example`), writes its audit pack as
of the example's date, and opens it in headless Chromium, driven over the
Chrome DevTools protocol on a pipe (`--remote-debugging-pipe`; Python's
standard library only). It checks that:

  1. the HTML names no external resource: no http:// or https:// anywhere,
     and every src/href is a fragment (`#...`);
  2. the same commit and --today give byte-identical HTML, Markdown and JSON;
  3. loading it makes zero network requests and logs no console error (a
     resource blocked by the pack's Content-Security-Policy would log one);
  4. the timeline <svg> is there, with marks;
  5. every clause item from 4.1 to 10.2 (with 5.1 (a)-(h) and 6.1.3(d)) has
     a verdict, and no item is "evidenced" without a rule;
  5b. the Statement of Applicability has one row per Annex A control (93),
     each with all its cells;
  6. laid out for print on A4, no table is wider than the page and no table
     cell's content overflows it (words are never broken: the stylesheet
     has no overflow-wrap/word-break, so a word that did not fit would
     overflow);
  7. printed to PDF it is A4 (every page's MediaBox is 595 x 842 pt).

It keeps a screenshot (PNG) and the PDF under target/audit-artifacts/.

Needs: python3, git, a built govlint ($GOVLINT, default target/debug/govlint)
and Chromium ($CHROMIUM, default `chromium`). Exits 1 when a check fails, 2
when it cannot run.
"""

import base64
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOVLINT = os.environ.get("GOVLINT", os.path.join(ROOT, "target", "debug", "govlint"))
CHROMIUM = os.environ.get("CHROMIUM", "chromium")
ARTIFACTS = os.path.join(ROOT, "target", "audit-artifacts")
TODAY = "2026-11-15"
# A4 in CSS pixels (96 per inch) less the pack's 12 mm side margins.
A4_CONTENT_WIDTH = round((210 - 24) / 25.4 * 96)

failures = []


def check(ok, what):
    print(("ok:   " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


def die(message):
    print("check-audit-html: " + message, file=sys.stderr)
    sys.exit(2)


def govlint(*args):
    env = dict(os.environ, NO_COLOR="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    env.pop("GOVLINT_TODAY", None)
    out = subprocess.run([GOVLINT, *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        die(f"govlint {' '.join(args)} exited {out.returncode}: {out.stderr.strip()}")
    return out


def static_checks(html):
    check("http://" not in html and "https://" not in html, "no http:// or https:// in the HTML")
    refs = re.findall(r"""\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?([^"'\s>]*)""", html, re.I)
    outside = [r for r in refs if not r.startswith("#")]
    check(not outside, f"every src/href is a fragment ({len(refs)} links; outside: {outside[:3]})")
    lowered = html.lower()
    for banned in ["<script", "<link", "<iframe", "<img", "url(", "@import", "//fonts."]:
        check(banned not in lowered, f"no `{banned}` in the HTML")
    check("overflow-wrap: anywhere" not in lowered and "word-break" not in lowered,
          "the stylesheet breaks no word (no overflow-wrap: anywhere, no word-break)")


class Browser:
    """Chromium driven over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="govlint-chromium-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            # Through spare copies, in case a pipe end already is fd 3 or 4
            # (dup2 onto itself would leave it close-on-exec).
            spare_r, spare_w = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(spare_r, 3)
            os.dup2(spare_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--remote-debugging-pipe",
             f"--user-data-dir={self.profile}", "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            for m in self._read(deadline):
                if m.get("id") == self.next_id:
                    if "error" in m:
                        die(f"{method}: {m['error']}")
                    return m.get("result", {})
                self.events.append(m)

    def wait_for(self, method, timeout=30):
        deadline = time.time() + timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method:
                    return self.events.pop(i)
            self.events.extend(self._read(deadline))

    def drain(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            self.events.extend(self._read(deadline, quiet=True))

    def _read(self, deadline, quiet=False):
        left = deadline - time.time()
        if left <= 0:
            if quiet:
                return []
            die("Chromium did not answer in time")
        ready, _, _ = select.select([self.from_child], [], [], left)
        if not ready:
            return []
        chunk = os.read(self.from_child, 1 << 20)
        if not chunk:
            die("Chromium closed the DevTools pipe (is it installed? try `apt-get install -y chromium`)")
        self.buffer += chunk
        *messages, self.buffer = self.buffer.split(b"\0")
        return [json.loads(m) for m in messages if m]

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except SystemExit:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


DOM_CHECKS = r"""
(() => {
  const rows = [...document.querySelectorAll('table.t-clauses tbody tr')].map(tr =>
    [...tr.cells].map(td => td.textContent.trim()));
  const svg = document.querySelector('svg.timeline');
  const soa = [...document.querySelectorAll('#soa table.t-soa tbody tr')].map(tr =>
    [...tr.cells].map(td => td.textContent.trim()));
  return {
    clauses: rows,
    soa,
    svg: !!svg,
    marks: svg ? svg.querySelectorAll('g > title').length : 0,
  };
})()
"""

LAYOUT_CHECKS = r"""
(() => {
  const wide = [...document.querySelectorAll('table.grid')]
    .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(t => t.className);
  const overflowing = [...document.querySelectorAll('table.grid td, table.grid th')]
    .filter(c => c.scrollWidth > c.clientWidth + 1)
    .map(c => c.textContent.trim().slice(0, 60));
  return { wide, overflowing, width: document.documentElement.clientWidth };
})()
"""


def browser_checks(path):
    browser = Browser()
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ["Page", "Network", "Runtime", "Log"]:
            browser.send(f"{domain}.enable", session=session)
        url = "file://" + path
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired")
        browser.drain(1.0)

        requests = [e["params"]["request"]["url"] for e in browser.events
                    if e.get("method") == "Network.requestWillBeSent"
                    and e["params"]["request"]["url"] != url]
        check(not requests, f"zero network requests besides the page itself ({requests[:3]})")
        errors = []
        for e in browser.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append(str(p.get("args")))
            elif m == "Runtime.exceptionThrown":
                errors.append(str(p.get("exceptionDetails")))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                errors.append(p["entry"].get("text", ""))
        check(not errors, f"no console error ({errors[:3]})")

        dom = evaluate(browser, session, DOM_CHECKS)
        check(dom["svg"] and dom["marks"] > 0, f"the timeline <svg> is present ({dom['marks']} marks)")
        verdicts = {row[0]: row for row in dom["clauses"] if row}
        statuses = {"evidenced", "findings", "no evidence", "not checked"}
        items = ["4.1", "4.2", "4.3", "4.4", "5.1"] + [f"5.1({i})" for i in "abcdefgh"] + [
            "5.2", "5.3", "6.1", "6.1.2", "6.1.3", "6.1.3(d)", "6.2", "6.3", "7.1", "7.2", "7.3",
            "7.4", "7.5", "8.1", "8.2", "8.3", "9.1", "9.2", "9.3", "10.1", "10.2"]
        for item in items:
            row = verdicts.get(item)
            check(row is not None and row[2] in statuses,
                  f"{item} has a verdict: {row[2] if row else 'missing'}")
        annex = [r for r in dom["soa"] if r and re.fullmatch(r"A\.[5-8]\.\d+", r[0]) and r[1] != "not an Annex A control"]
        check(len(annex) == 93, f"the Statement of Applicability has 93 Annex A rows ({len(annex)})")
        check(all(len(r) == 8 for r in dom["soa"]), "every SoA row has its 8 cells")
        check(len({r[0] for r in annex}) == 93, "no Annex A control appears twice in the SoA")
        lying = [r[0] for r in dom["clauses"] if r and r[2] == "evidenced" and int(r[3]) + int(r[4]) == 0]
        check(not lying, f"no item is evidenced without a rule ({lying})")

        os.makedirs(ARTIFACTS, exist_ok=True)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 1280, "height": 2200, "deviceScaleFactor": 1, "mobile": False}, session=session)
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
        with open(os.path.join(ARTIFACTS, "audit-pack.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))

        browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": A4_CONTENT_WIDTH, "height": 1100, "deviceScaleFactor": 1, "mobile": False},
                     session=session)
        layout = evaluate(browser, session, LAYOUT_CHECKS)
        check(not layout["wide"], f"no table is wider than an A4 page ({layout['width']} px): {layout['wide'][:3]}")
        check(not layout["overflowing"], f"no table cell overflows, so no word needs breaking: {layout['overflowing'][:3]}")
        browser.send("Emulation.setEmulatedMedia", {"media": ""}, session=session)
        browser.send("Emulation.clearDeviceMetricsOverride", session=session)

        pdf = browser.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True,
                                              "displayHeaderFooter": False}, session=session, timeout=120)
        data = base64.b64decode(pdf["data"])
        with open(os.path.join(ARTIFACTS, "audit-pack.pdf"), "wb") as f:
            f.write(data)
        return data
    finally:
        browser.close()


def evaluate(browser, session, expression):
    result = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
    if "exceptionDetails" in result:
        die(f"page script failed: {result['exceptionDetails']}")
    return result["result"]["value"]


def pdf_checks(data):
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    a4 = all(abs(float(w) - 595) < 1.5 and abs(float(h) - 842) < 1.5 for w, h in boxes)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    check(bool(boxes) and a4, f"the PDF is A4: {len(boxes)} MediaBox(es) of 595 x 842 pt, {pages} pages")
    print(f"info: the printed pack has {pages} A4 pages")


def main():
    if not os.access(GOVLINT, os.X_OK):
        die(f"no govlint binary at {GOVLINT}: build it (cargo build) or set GOVLINT")
    if not shutil.which(CHROMIUM):
        die(f"{CHROMIUM} not found: apt-get install -y chromium, or set CHROMIUM")
    work = tempfile.mkdtemp(prefix="govlint-audit-html-")
    try:
        repo = os.path.join(work, "acme-isms")
        govlint("init", "--example", repo)
        packs = {}
        for fmt in ["html", "markdown", "json"]:
            made = []
            for n in (1, 2):
                out = os.path.join(work, f"pack-{n}.{fmt}")
                govlint("-q", "-C", repo, "audit", "--format", fmt, "--today", TODAY, "--output", out)
                with open(out, "rb") as f:
                    made.append(f.read())
            check(made[0] == made[1], f"two {fmt} packs of one commit and --today are byte-identical ({len(made[0])} bytes)")
            packs[fmt] = os.path.join(work, f"pack-1.{fmt}")
        with open(packs["html"], encoding="utf-8") as f:
            static_checks(f.read())
        pdf_checks(browser_checks(packs["html"]))
        print(f"info: artifacts in {os.path.relpath(ARTIFACTS, ROOT)}/ (audit-pack.png, audit-pack.pdf)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"check-audit-html: {len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("check-audit-html: all checks passed")


if __name__ == "__main__":
    main()
