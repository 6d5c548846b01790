"""A bounded crawl from ``/``: every internal link answers, none goes to the base host.

Plain HTTP (no browser needed to read hrefs), over the real data; pages are parsed with
the standard library's HTML parser.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

from tests.conftest import Live

MAX_PAGES = 250
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
NOT_FOLLOWED = ("/data/dataset.", "/sparql?")
"""Downloads of the whole store and editor links to the endpoint: checked, not crawled."""


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value and tag in ("a", "link", "script", "img"):
                self.hrefs.append(value)


def test_crawl_finds_no_broken_link_and_no_link_to_the_base_host(real_live: Live) -> None:
    base_host = urlsplit(real_live.settings.base).hostname
    own = urlsplit(real_live.url).netloc
    seen: set[str] = {"/"}
    queue: deque[str] = deque(["/"])
    broken: list[str] = []
    to_base: list[str] = []
    unsafe: list[str] = []
    crawled = 0
    with requests.Session() as session:
        while queue and crawled < MAX_PAGES:
            path = queue.popleft()
            response = session.get(real_live.url + path, headers=HTML, timeout=60)
            crawled += 1
            if response.status_code >= 400:
                broken.append(f"{path} -> {response.status_code}")
                continue
            if not response.headers.get("Content-Type", "").startswith("text/html"):
                continue
            parser = Links()
            parser.feed(response.text)
            for href in parser.hrefs:
                target = urlsplit(urljoin(real_live.url + path, href))
                if target.scheme not in ("http", "https", "mailto"):
                    unsafe.append(f"{path}: {href}")
                if target.hostname == base_host:
                    to_base.append(f"{path}: {href}")
                if target.netloc != own:
                    continue
                local = target.path + (f"?{target.query}" if target.query else "")
                if local not in seen:
                    seen.add(local)
                    if local.startswith(NOT_FOLLOWED):
                        with session.get(real_live.url + local, stream=True, timeout=60) as got:
                            if got.status_code >= 400:
                                broken.append(f"{local} -> {got.status_code}")
                    else:
                        queue.append(local)
    assert crawled > 50, "the crawl should reach the plan's pages"
    assert not broken, "\n".join(broken)
    assert not to_base, "\n".join(to_base[:20])
    assert not unsafe, "\n".join(unsafe[:20])
