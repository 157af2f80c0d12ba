"""A quality manager builds the demo "Get support" journey from scratch in the browser."""

import pytest
from playwright.sync_api import Page, expect

from journeys.demo import GET_SUPPORT
from journeys.models import Handoff, Journey
from stakeholders.demo import DEPARTMENTS, PARTNERS
from stakeholders.models import Department, Partner
from tests.browser.conftest import DESKTOP, screenshot, sign_in
from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def owner_value(name: str) -> str:
    """Return the owner picker's value for a department or partner name."""
    department = Department.objects.filter(name=name).first()
    if department:
        return f"department:{department.pk}"
    return f"partner:{Partner.objects.get(name=name).pk}"


def picker_label(touchpoint: str) -> str:
    """Return how the handoff pickers show a touchpoint of GET_SUPPORT: "Stage · Name (Owner)"."""
    for stage_name, touchpoints in GET_SUPPORT["stages"]:
        for name, _channel, owner, _standard, _ctq in touchpoints:
            if name == touchpoint:
                return f"{stage_name} · {name} ({owner})"
    raise LookupError(touchpoint)


def save_editor(page: Page) -> None:
    """Submit the editor panel's form and wait for the map to be swapped in."""
    page.locator("[data-editor]").get_by_role("button", name="Save").click()
    expect(page.locator("[data-editor]")).to_have_count(0)


def test_quality_manager_builds_get_support_and_sees_cross_owner_handoffs(
    live_server, make_user, open_page
) -> None:
    """Stages, touchpoints with owners, handoffs: the map shows lanes and cross-owner arrows."""
    for name, description in DEPARTMENTS:
        Department.objects.create(name=name, description=description)
    for fields in PARTNERS:
        Partner.objects.create(**fields)
    manager = make_user("quality_manager")
    browser_page = open_page(DESKTOP)
    page = browser_page.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)

    page.get_by_role("button", name="System").click()
    page.get_by_role("link", name="Journeys").first.click()
    page.get_by_role("link", name="New journey").click()
    page.get_by_label("Name").fill(GET_SUPPORT["name"])
    page.get_by_label("Customer value statement").fill(GET_SUPPORT["value_statement"])
    page.get_by_role("button", name="Create journey").click()
    expect(page.get_by_text("Add the first stage to start the map.")).to_be_visible()
    # The map's buttons work once htmx (loaded at the end of the page) has run: on a busy
    # machine the text can show before it has.
    page.wait_for_load_state("load")

    for stage_name, _touchpoints in GET_SUPPORT["stages"]:
        page.get_by_role("button", name="Add stage").click()
        page.locator("[data-editor]").get_by_label("Stage name").fill(stage_name)
        save_editor(page)
    for stage_number, (stage_name, touchpoints) in enumerate(GET_SUPPORT["stages"], start=1):
        for name, channel, owner, standard, ctq in touchpoints:
            page.get_by_role("button", name="Add touchpoint").click()
            editor = page.locator("[data-editor]")
            editor.get_by_label("Touchpoint").fill(name)
            editor.get_by_label("Stage").select_option(label=f"{stage_number}. {stage_name}")
            editor.get_by_label("Channel").select_option(channel)
            editor.get_by_label("Owner").select_option(owner_value(owner))
            editor.get_by_label("Service standard").fill(standard)
            editor.get_by_label("Critical-to-quality requirement").fill(ctq)
            save_editor(page)
    for source, target, description in GET_SUPPORT["handoffs"]:
        page.get_by_role("button", name="Add handoff").click()
        editor = page.locator("[data-editor]")
        editor.get_by_label("From").select_option(label=picker_label(source))
        editor.get_by_label("To").select_option(label=picker_label(target))
        editor.get_by_label("What is handed over").fill(description)
        save_editor(page)

    journey = Journey.objects.get(name=GET_SUPPORT["name"])
    stages = [stage.name for stage in journey.stages.order_by("order")]
    expected_cross = sum(
        Handoff.objects.get(
            from_touchpoint__stage__journey=journey,
            from_touchpoint__name=source,
            to_touchpoint__name=target,
        ).is_cross_owner
        for source, target, _description in GET_SUPPORT["handoffs"]
    )
    assert stages == [name for name, _touchpoints in GET_SUPPORT["stages"]]
    lanes = page.locator("[data-lane]").all_inner_texts()
    assert any("CallPoint Contact Centres" in lane for lane in lanes)
    assert any("Field Service" in lane for lane in lanes)
    expect(page.locator("[data-touchpoint]")).to_have_count(7)
    expect(page.locator("path.jm-arrow")).to_have_count(len(GET_SUPPORT["handoffs"]))
    expect(page.locator('path.jm-arrow[data-cross="true"]')).to_have_count(expected_cross)
    expect(page.locator('[data-handoff-row][data-cross="true"]')).to_have_count(expected_cross)
    assert expected_cross >= 4
    screenshot(page, "journey-get-support-built")
    assert browser_page.errors == []


def test_touchpoint_without_owner_shows_the_error_next_to_the_field(
    live_server, make_user, open_page
) -> None:
    """The editor keeps what was typed and explains the missing owner."""
    Department.objects.create(name="Customer Service")
    manager = make_user("quality_manager")
    journey = Journey.objects.create(name="Get support")
    journey.stages.create(name="Ask for help", order=1)
    browser_page = open_page(DESKTOP)
    page = browser_page.page
    sign_in(page, live_server.url, manager.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}{journey.get_absolute_url()}")

    page.get_by_role("button", name="Add touchpoint").click()
    editor = page.locator("[data-editor]")
    editor.get_by_label("Touchpoint").fill("Live chat")
    editor.get_by_label("Stage").select_option(label="1. Ask for help")
    editor.get_by_role("button", name="Save").click()

    message = "A touchpoint is owned by exactly one department or one partner."
    owner_error = page.locator("[data-editor] .invalid-feedback", has_text=message)
    expect(owner_error).to_be_visible()
    # The form's error summary names it too, linking to the field.
    expect(page.locator("[data-editor] [data-testid=form-errors]")).to_contain_text(message)
    expect(page.locator("[data-editor]").get_by_label("Touchpoint")).to_have_value("Live chat")
    assert journey.stages.get().touchpoints.count() == 0
