"""Every front-end page of the demo commons passes axe-core, on a phone and a desktop.

The pages are test_html_valid's: a demo page of each page type and each of its sub-routes,
every named view, a search and an unknown page. Each is visited once as the demo role that
sees the most of it (group admins see the manage buttons, parents the household…), and
each page type once more as a visitor. One demo load, one browser, one tab per role.
"""

import os
import time
from collections import defaultdict
from io import StringIO

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.browser.axe import FAILING_IMPACTS
from tests.browser.conftest import TIMEOUT_MS, VIEWPORTS
from tests.commons.test_html_valid import ROLES, Demo, html_route_names

# Who sees the most of a page that answers more than one role.
PREFERENCE = ["groupadmin", "parent", "learner", "tutor", "spacemanager", "admin", "anonymous"]
assert sorted(PREFERENCE) == sorted(ROLES)


def front_end_urls(demo: Demo) -> list[str]:
    urls = [url for _type, url in demo.pages()]
    for name in html_route_names():
        url = demo.url(name)
        assert url is not None, f"give {name} demo arguments in test_html_valid.Demo.args"
        urls.append(url)
    urls += demo.variants()
    return list(dict.fromkeys(urls))


def who_sees(demo: Demo, urls: list[str]) -> list[tuple[str, str]]:
    """(role, URL): each URL as the first role it answers with a page, pages also anonymously."""
    clients = {}
    for role in PREFERENCE:
        clients[role] = Client()
        if demo.users[role] is not None:
            clients[role].force_login(
                demo.users[role], backend="django.contrib.auth.backends.ModelBackend"
            )
    visits = []
    page_urls = {url for _type, url in demo.pages()}
    for url in urls:
        for role in PREFERENCE:
            response = clients[role].get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                visits.append((role, url))
                break
        else:
            # Nobody gets a page (the unknown URL): its 404 page, as a visitor.
            visits.append(("anonymous", url))
        seen_by_visitors = url in page_urls and visits[-1][0] != "anonymous"
        if seen_by_visitors and clients["anonymous"].get(url).status_code == 200:
            visits.append(("anonymous", url))
    return visits


def session_cookie(user, server_url: str) -> list[dict]:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": server_url}]


def test_every_front_end_page_passes_axe_on_a_phone_and_a_desktop(browser, server_url):
    started = time.monotonic()
    call_command("load_demo_data", force=True, stdout=StringIO())
    demo = Demo()
    visits = who_sees(demo, front_end_urls(demo))
    loaded = time.monotonic()

    axe = Axe()
    problems: list[str] = []
    found: dict[str, set[str]] = defaultdict(set)
    tabs = {}
    for viewport in VIEWPORTS.values():
        for role, url in visits:
            key = (viewport.name, role)
            if key not in tabs:
                context = browser.new_context(
                    viewport=viewport.size,
                    is_mobile=viewport.is_mobile,
                    has_touch=viewport.is_mobile,
                    locale="en-GB",
                    timezone_id="Europe/London",
                )
                context.set_default_timeout(TIMEOUT_MS)
                if demo.users[role] is not None:
                    context.add_cookies(session_cookie(demo.users[role], server_url))
                tabs[key] = context.new_page()
            page = tabs[key]
            response = page.goto(server_url + url, wait_until="load")
            if response is None or response.status >= 500:
                problems.append(
                    f"{viewport.name} {role} {url}: answered {response and response.status}"
                )
                continue
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] not in FAILING_IMPACTS:
                    continue
                targets = "; ".join(" ".join(map(str, n["target"])) for n in violation["nodes"][:5])
                found[violation["id"]].add(url)
                problems.append(
                    f"{viewport.name} {role} {url}: {violation['id']} ({violation['impact']}): "
                    f"{violation['help']} at {targets}"
                )
    for page in tabs.values():
        page.context.close()
    checked = time.monotonic()
    summary = (
        f"{len(visits)} pages x {len(VIEWPORTS)} widths; demo and roles {loaded - started:.0f}s, "
        f"axe {checked - loaded:.0f}s"
    )
    print(summary)
    if os.environ.get("AXE_EVERYWHERE_VERBOSE"):
        print("\n".join(f"{role} {url}" for role, url in visits))
    assert not problems, (
        f"{len(problems)} serious or critical axe violations ({summary}); "
        f"by rule: { {rule: len(urls) for rule, urls in found.items()} }:\n" + "\n".join(problems)
    )
