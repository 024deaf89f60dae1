#!/usr/bin/env python3
"""Screenshots of the station's main pages for docs/user-guide.md "In the browser", and of the county's console
(county-*.png, docs/user-guide.md "The county's console"), taken in headless Chromium (1280x900) on a station made
from the 王集 fixture ledger (synthetic children), as its director, its supervisor and the county centre see it on
2026-11-28:

    python3 tests/web/browser/screenshots.py --bin BUILD_DIR [--out docs/images]

scripts/screenshots.sh runs it. Same pieces as the journeys (harness.World): nothing outside 127.0.0.1.
"""

import argparse
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)

import harness  # noqa: E402
from harness import DIRECTOR, SUPERVISOR  # noqa: E402

# The ledger's children the pages show (fixtures/ledgers/wangji-2026.csv).
YELLOW_CHILD = "李芷若"  # village 203 (大吴村): 王强's


def child_ids(world, village):
    run = world.tongdang("--json", "child", "list", "--village", village)
    return [(row["id"], row["name"]) for row in json.loads(run.stdout)]


def prepare(world):
    """Grades and visits so the pages have something to show: the 201 children graded (one yellow from the demo's
    answers), a lowering waiting for the supervisor, one sync with the county."""
    children = child_ids(world, harness.VILLAGE_WANG)
    for n, (child, name) in enumerate(children):
        answers = ["--carer", "both_away_capable_relative", "--guardianship", "fair", "--warning-signs", "1",
                   "--behaviour-problems", "1", "--income", "below_1x_or_dibao"] if name == YELLOW_CHILD or n % 3 == 0 \
            else ["--carer", "one_parent_away", "--guardianship", "good", "--income", "between_1x_2x"]
        world.tongdang("assess", children[n][0], "--date", "2026-09-0" + str(1 + n % 9), *answers)
    yellow = next(c for c, name in children if name == YELLOW_CHILD)
    world.tongdang("visit", "add", yellow, "--date", "2026-10-20", "--kind", "home", "--notes", "祖母在家，孩子状态良好",
                   user=DIRECTOR)
    lowered = next(c for c, name in children if name != YELLOW_CHILD)
    world.tongdang("colour", "lower", lowered, "--to", "green", "--reason", "父母返乡，监护到位", user=DIRECTOR,
                   check=False)
    url = world.county_server()
    # For the county's review page: one child registered on a second laptop of the township too (a duplicate
    # candidate), and a lead verified and reviewed by the township (a screening to confirm).
    db, person, token = world.second_laptop()
    world.tongdang("sync", "--server", url, "--token", token, user=person, db=db)
    twin = next(c for c, name in children if name != YELLOW_CHILD)
    shown = json.loads(world.tongdang("--json", "child", "show", twin, "--full-id").stdout)
    world.tongdang("child", "add", "--name", shown["name"][:1] + "晓" + shown["name"][2:], "--id-number",
                   shown["id_number"], "--village", harness.VILLAGE_WANG, "--category", "LEFT_BEHIND", "--school",
                   "王集中心小学", user=person, db=db)
    lead = json.loads(world.tongdang("--json", "lead", "add", "--village", harness.VILLAGE_WANG, "--seen",
                                     "父母均外出务工，孩子由祖母照看", user=DIRECTOR).stdout)["lead_id"]
    verified = json.loads(world.tongdang("--json", "screen", "verify", lead, "--name", "吴小雨", "--id-number",
                                         harness.id_number("32032420150909002"), "--category", "LEFT_BEHIND",
                                         "--carer", "both_away_capable_relative", user=DIRECTOR).stdout)
    world.tongdang("screen", "review", verified["child_id"], "--approve")
    world.tongdang("sync", "--server", url, "--token", world.station_token)
    world.tongdang("sync", "--server", url, "--token", token, user=person, db=db)
    world.tongdang("sync", "--server", url, "--token", world.station_token)
    return yellow


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--source", default=os.path.normpath(os.path.join(here, "..", "..", "..")))
    parser.add_argument("--out", default=None, help="where the PNGs go (default docs/images of the source)")
    args = parser.parse_args()
    out = os.path.abspath(args.out or os.path.join(args.source, "docs", "images"))
    os.makedirs(out, exist_ok=True)
    try:
        world = harness.World(os.path.abspath(args.bin), os.path.abspath(args.source))
    except harness.Missing as missing:
        print(missing, file=sys.stderr)
        return 2
    try:
        world.make_station()
        yellow = prepare(world)
        base = world.serve()
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select, WebDriverWait

        driver = world.browser()
        # The page area itself 1280x900 (the window size includes the browser's own frame).
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})

        def shot(name):
            path = os.path.join(out, name + ".png")
            driver.save_screenshot(path)
            print(f"{name}.png  {os.path.getsize(path) // 1024} KB  {driver.current_url.replace(base, '')}")

        def sign_in(person):
            driver.delete_all_cookies()
            driver.get(base + "/login")
            driver.find_element(By.NAME, "user").send_keys(person[0])
            driver.find_element(By.NAME, "password").send_keys(person[1])
            driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()
            WebDriverWait(driver, 10).until(lambda d: "/login" not in d.current_url)

        def choose(name, value):
            field = driver.find_elements(By.NAME, name)
            if not field:
                return
            if field[0].tag_name == "select":
                Select(field[0]).select_by_value(value)
            elif field[0].get_attribute("type") == "radio":
                for e in field:
                    if e.get_attribute("value") == value:
                        e.click()
            else:
                field[0].clear()
                field[0].send_keys(value)

        driver.get(base + "/login")
        driver.find_element(By.NAME, "user").send_keys(DIRECTOR[0])
        shot("login")
        sign_in(DIRECTOR)
        driver.get(base + "/")
        shot("due")
        driver.get(base + "/children")
        shot("children")
        driver.get(base + f"/children/{yellow}")
        shot("child-file")
        driver.get(base + f"/children/{yellow}/visits")
        choose("kind", "home")
        choose("notes", "入户走访：祖母在家，孩子按时上学")
        shot("visit-form")
        driver.get(base + f"/children/{yellow}/assess")
        for name, value in (("carer", "both_away_capable_relative"), ("guardianship", "fair"),
                            ("warning_signs", "1"), ("behaviour_problems", "1"), ("income", "below_1x_or_dibao")):
            choose(name, value)
        previews = driver.find_elements(By.CSS_SELECTOR, 'button[name="step"][value="preview"]')
        if previews:
            previews[0].click()
            WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "main .colour"))
        shot("assess-preview")
        driver.get(base + "/reports/coverage?as_of=" + harness.TODAY)
        shot("report")
        sign_in(SUPERVISOR)
        driver.get(base + "/review")
        shot("review")
        driver.get(base + "/sync")
        # A sync started from the page (the server and token are remembered from the CLI's first one).
        now = driver.find_elements(By.ID, "sync-now")
        if now:
            now[0].click()
            WebDriverWait(driver, 60).until(
                lambda d: "同步完成" in d.find_element(By.ID, "sync-progress").text
                or "未完成" in d.find_element(By.ID, "sync-progress").text)
        shot("sync")
        # The county's console, on the county server's own address.
        county = world.county_server()
        base = county
        sign_in(world.console_user())
        driver.get(county + "/")
        shot("county-coverage")
        driver.get(county + "/?township=" + harness.TOWNSHIP)
        shot("county-villages")
        driver.get(county + "/review")
        shot("county-review")
        duplicates = driver.find_elements(By.CSS_SELECTOR, "section.duplicate")
        if duplicates:
            driver.execute_script("arguments[0].scrollIntoView({block:'start'})", duplicates[0])
            shot("county-duplicate")
        driver.get(county + "/children?q=" + YELLOW_CHILD[:1])
        shot("county-children")
        driver.get(county + "/stations")
        shot("county-stations")
        return 0
    finally:
        world.close()


if __name__ == "__main__":
    sys.exit(main())
