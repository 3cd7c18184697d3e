"""A real headless browser (Debian's chromium) driven over the DevTools protocol on a pipe.

``open_page(path)`` loads a local file and returns what a user's browser would have
done: every request it made, console errors and uncaught exceptions, the value of a
script evaluated in the page, and optionally a PNG screenshot. No websocket library:
with ``--remote-debugging-pipe`` chromium reads NUL-separated JSON commands on fd 3
and writes answers and events on fd 4.
"""

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--remote-debugging-pipe")


def chromium():
    """The chromium executable, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageVisit:
    requests: list = field(default_factory=list)   # URLs the page asked for, itself included
    errors: list = field(default_factory=list)     # console errors and uncaught exceptions
    value: object = None                           # what the evaluated expression returned
    screenshot: bytes = b""


class _Pipe:
    """The protocol's two pipes: commands out, answers and events in."""

    def __init__(self, to_browser, from_browser):
        self.to_browser, self.from_browser = to_browser, from_browser
        self.buffer = b""
        self.events = []
        self.next_id = 0

    def send(self, method, session=None, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        return self.wait(lambda m: m.get("id") == self.next_id, f"the answer to {method}")

    def wait(self, matches, what, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.events):
                if matches(message):
                    del self.events[index]
                    if "error" in message:
                        raise RuntimeError(f"chromium: {what}: {message['error']}")
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"chromium: no {what} within {timeout}s")
            self._read(left)

    def _read(self, timeout):
        ready, _, _ = select.select([self.from_browser], [], [], timeout)
        if not ready:
            return
        chunk = os.read(self.from_browser, 1 << 20)
        if not chunk:
            raise RuntimeError("chromium closed its pipe")
        self.buffer += chunk
        *messages, self.buffer = self.buffer.split(b"\0")
        self.events.extend(json.loads(message) for message in messages)

    def drain(self):
        """Everything that has arrived so far."""
        self._read(0.2)
        events, self.events = self.events, []
        return events


def _start(executable, profile):
    command_in, chrome_in = os.pipe()[::-1]   # we write command_in, chromium reads fd 3
    chrome_out, events_out = os.pipe()[::-1]  # chromium writes fd 4, we read events_out
    high_in = fcntl.fcntl(chrome_in, fcntl.F_DUPFD, 10)
    high_out = fcntl.fcntl(chrome_out, fcntl.F_DUPFD, 10)

    def plumb():
        os.setpgrp()  # its renderer and helper processes too, to end them together
        os.dup2(high_in, 3)
        os.dup2(high_out, 4)

    process = subprocess.Popen([executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, preexec_fn=plumb, pass_fds=(3, 4))
    for fd in (chrome_in, chrome_out, high_in, high_out):
        os.close(fd)
    return process, _Pipe(command_in, events_out)


def _errors(events):
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            texts = (str(arg.get("value", arg.get("description"))) for arg in params["args"])
            errors.append("console: " + " ".join(texts))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            thrown = details.get("exception", {}).get("description", details.get("text", ""))
            errors.append("exception: " + thrown)
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}".strip())
    return errors


def open_page(path, expression="null", screenshot=False, width=1400, height=900, full_page=True):
    """Load the file *path* in a fresh headless chromium and report what happened.

    *screenshot*: a PNG of the whole page (*full_page*) or of the first *height* pixels.
    """
    executable = chromium()
    if executable is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="nff-chromium-", ignore_cleanup_errors=True) as profile:
        process, pipe = _start(executable, profile)
        try:
            return _visit(pipe, Path(path).resolve().as_uri(), expression, screenshot and (full_page,),
                          width, height)
        finally:
            _stop(process, pipe)


def _stop(process, pipe):
    """Close the browser, then end its process group (helpers that outlive it would keep writing)."""
    try:
        pipe.send("Browser.close")
    except (OSError, RuntimeError, TimeoutError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    os.close(pipe.to_browser)
    os.close(pipe.from_browser)


def _visit(pipe, url, expression, screenshot, width, height):
    target = pipe.send("Target.createTarget", url="about:blank")["result"]["targetId"]
    session = pipe.send("Target.attachToTarget", targetId=target, flatten=True)["result"]["sessionId"]
    for domain in ("Network", "Runtime", "Log", "Page"):
        pipe.send(f"{domain}.enable", session)
    pipe.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
              deviceScaleFactor=1, mobile=False)
    pipe.send("Page.navigate", session, url=url)
    pipe.wait(lambda m: m.get("method") == "Page.loadEventFired", "page load")
    visit = PageVisit()
    answer = pipe.send("Runtime.evaluate", session, expression=expression, returnByValue=True)
    visit.value = answer["result"]["result"].get("value")
    if screenshot:
        shot = pipe.send("Page.captureScreenshot", session, format="png", captureBeyondViewport=screenshot[0])
        visit.screenshot = base64.b64decode(shot["result"]["data"])
    events = pipe.drain()
    visit.requests = [event["params"]["request"]["url"] for event in events
                      if event.get("method") == "Network.requestWillBeSent"]
    visit.errors = _errors(events)
    return visit
