"""Three students at one server at the same time, in real Chromium: nobody's lesson leaks into anyone else's.

One student uploads a valid weights file (H = 5), one uploads a broken file (and is told so), one types a
sequence and turns the hidden size to 13; then all three click through steps and the forget-gate bias at
once, and finally each parks the step slider on its own t. Every page must show only its own choices, a
newcomer opening the uploader's link must get no one's upload, and nothing may raise an error on the way.
The driver is shared with benchmarks/bench_classroom.py (which runs 10, 20 and 30 students).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import pytest
from classroom_driver import (
    HIDDEN_SLIDER,
    TEXT_AREA,
    AppServer,
    Student,
    chromium,
    chromium_path,
    open_class,
    student_loop,
)

from lstm_viz.core import LSTMParams

pytestmark = pytest.mark.browser

if chromium_path() is None:
    pytest.skip("no Chromium at /usr/bin/chromium or $BROWSER_PATH (apt-get install chromium)", allow_module_level=True)
pytest.importorskip("playwright.async_api", reason="the playwright Python package drives Chromium")

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
UPLOAD_LESSON = "weights=upload&task=adding"  # D = 2 inputs
TYPING_LESSON = "weights=random&task=custom"
UPLOADED_H, DEFAULT_H, TYPED_H = 5, 8, 13
TYPED = "271.5, -31.25, 4096, 7.75, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1"  # 14 numbers: T = 13 steps
TYPED_T = 13
OWN_STEPS = {"uploader": 2, "refused": 9, "typist": 11}  # where each student leaves its step slider
LOAD_SECONDS = 6
THINK_S = 0.2
SHOWN_TIMEOUT_MS = 60_000


async def wait_text(student: Student, text: str) -> None:
    await student.page.get_by_text(text, exact=False).first.wait_for(timeout=SHOWN_TIMEOUT_MS)
    await student.settle(SHOWN_TIMEOUT_MS)


async def upload_weights(student: Student, path: Path) -> None:
    await student.upload(path.name, path.read_bytes())
    await wait_text(student, f"uploaded {path.name}")  # the header names the file in use
    await wait_text(student, f"H = {UPLOADED_H}")


async def upload_broken_file(student: Student) -> None:
    await student.upload("broken.npz", b"this is not a zip archive")
    await wait_text(student, "Could not use 'broken.npz'")


async def type_and_resize(student: Student) -> None:
    await student.type_sequence(TYPED)
    await wait_text(student, f"T = {TYPED_T} steps")
    await student.press_slider(HIDDEN_SLIDER, "ArrowRight", TYPED_H - DEFAULT_H)
    await wait_text(student, f"H = {TYPED_H}")


async def park_step(student: Student, t: int) -> None:
    await student.move_step(t - await student.step())


async def what_it_shows(student: Student) -> dict:
    await student.settle()
    await student.check_page()
    return {
        "text": await student.text(),
        "alerts": await student.error_alerts(),
        "titles": await student.chart_titles(),
        "step": await student.step(),
    }


async def classroom(server_url: str, weights_file: Path) -> dict:
    """Run the lesson above; returns what each student's page showed at the end, and their errors."""
    async with chromium() as browser, contextlib.AsyncExitStack() as stack:
        queries = [UPLOAD_LESSON, UPLOAD_LESSON, TYPING_LESSON]
        students, _ = await open_class(browser, server_url, 3, stack, queries=queries)
        for student, name in zip(students, OWN_STEPS, strict=True):
            student.name = name
        uploader, refused, typist = students
        await asyncio.gather(upload_weights(uploader, weights_file), upload_broken_file(refused),
                             type_and_resize(typist))  # fmt: skip
        deadline = time.monotonic() + LOAD_SECONDS
        clicking = (student_loop(s, i, deadline, THINK_S, seed=i, navigate=False) for i, s in enumerate(students))
        await asyncio.gather(*clicking)
        await asyncio.gather(*(park_step(s, OWN_STEPS[s.name]) for s in students))
        shown = {s.name: await what_it_shows(s) for s in students}
        shown["typist"]["typed"] = await typist.page.locator(TEXT_AREA).input_value()
        newcomer = await stack.enter_async_context(Student(browser, server_url, "newcomer"))
        await newcomer.open(UPLOAD_LESSON)
        shown["newcomer"] = await what_it_shows(newcomer)
        ARTIFACTS.mkdir(exist_ok=True)
        for student in (*students, newcomer):
            await student.screenshot(ARTIFACTS / f"classroom-{student.name}.png")
        errors = [error for student in (*students, newcomer) for error in student.stats.errors]
        return {"shown": shown, "errors": errors}


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    weights_file = tmp_path_factory.mktemp("weights") / "my-lstm.npz"
    LSTMParams.init(2, UPLOADED_H, seed=7).save(weights_file)
    ARTIFACTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    with AppServer(ROOT, log_path=ARTIFACTS / "classroom-server.log") as server:
        result = asyncio.run(classroom(server.url, weights_file))
    print(f"\nthree students, uploads, typing and {LOAD_SECONDS} s of clicking: {time.perf_counter() - started:.0f} s")
    return result


def test_a_class_of_three_runs_without_a_single_error(class_run):
    assert class_run["errors"] == []


def test_an_uploaded_file_stays_with_the_student_who_uploaded_it(class_run):
    shown = class_run["shown"]
    assert "uploaded my-lstm.npz" in shown["uploader"]["text"] and f"H = {UPLOADED_H} " in shown["uploader"]["text"]
    for other in ("refused", "typist", "newcomer"):
        assert "my-lstm.npz" not in shown[other]["text"], other
        assert f"H = {UPLOADED_H} " not in shown[other]["text"], other
    assert "Choose a weights file" in shown["newcomer"]["text"]  # same link as the uploader, but a fresh session


def test_a_refused_file_is_reported_only_to_the_student_who_sent_it(class_run):
    shown = class_run["shown"]
    assert any("Could not use 'broken.npz'" in alert for alert in shown["refused"]["alerts"])
    assert f"H = {DEFAULT_H} " in shown["refused"]["text"]  # the last good lesson stays on screen
    for other in ("uploader", "typist", "newcomer"):
        assert shown[other]["alerts"] == [], other


def test_a_typed_sequence_and_hidden_size_stay_with_the_student_who_set_them(class_run):
    shown = class_run["shown"]
    assert shown["typist"]["typed"] == TYPED
    assert f"T = {TYPED_T} steps" in shown["typist"]["text"] and f"H = {TYPED_H} " in shown["typist"]["text"]
    for other in ("uploader", "refused", "newcomer"):
        assert f"H = {TYPED_H} " not in shown[other]["text"], other
        assert f"T = {TYPED_T} steps" not in shown[other]["text"], other
        assert "4096" not in shown[other]["text"], other


def test_each_student_sees_its_own_step(class_run):
    shown = class_run["shown"]
    for name, t in OWN_STEPS.items():
        assert shown[name]["step"] == t, name
        step_titles = [title for title in shown[name]["titles"] if "t = " in title]
        assert step_titles and all(f"t = {t}," in title or title.endswith(f"t = {t}</b>") for title in step_titles), (
            name,
            step_titles,
        )
