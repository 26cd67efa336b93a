import pandas as pd
import pytest
from playwright.sync_api import expect

from core.datasets import load_builtin_sales
from tests.browser.axe import blocking_violations
from tests.browser.helpers import wait_for_idle

pytestmark = pytest.mark.browser


def upload(page, server_url: str, csv) -> None:
    """Open the forecasting page, choose "Upload a CSV" and give it the file ``csv``."""
    page.goto(f"{server_url}/forecasting")
    wait_for_idle(page)
    page.get_by_text("Upload a CSV").click()
    wait_for_idle(page)
    page.locator("input[type=file]").set_input_files(str(csv))


def test_upload_a_csv_train_and_see_metrics_and_forecast(page, server_url, tmp_path):
    csv = tmp_path / "my_shop.csv"
    load_builtin_sales("umbrellas").rename(columns={"date": "day", "sales": "units"}).to_csv(csv, index=False)
    upload(page, server_url, csv)
    expect(page.get_by_text("What was read: 1095 days from 2022-01-01")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Train", exact=True).click()
    verdict = page.get_by_role("heading").filter(has_text="on the last 90 days")  # beats … or … tie: …
    expect(verdict).to_be_visible(timeout=240_000)
    expect(page.get_by_test_id("stDataFrame").nth(1)).to_be_visible()  # the metrics table, after the file report
    forecast_plot = page.get_by_test_id("stPlotlyChart").filter(has=page.locator("text=forecast ahead"))
    expect(forecast_plot).to_be_visible()
    page.screenshot(path=str(tmp_path / "forecast.png"), full_page=True)
    expect(page.get_by_role("button", name="Trained model (.keras)")).to_be_visible()


def test_upload_the_monthly_airline_series_and_train_it_with_the_defaults(page, server_url, tmp_path):
    from statsforecast.utils import AirPassengers

    csv = tmp_path / "airline.csv"
    months = pd.date_range("1949-01-01", periods=len(AirPassengers), freq="MS").strftime("%b %Y")
    pd.DataFrame({"month": months, "passengers": AirPassengers.astype(int)}).to_csv(csv, index=False)
    upload(page, server_url, csv)
    expect(page.get_by_text("What was read: 144 months from 1949-01-01")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("monthly data, 144 points: a horizon of 12, a window of 24")).to_be_visible()
    page.get_by_role("button", name="Train", exact=True).click()
    verdict = page.get_by_role("heading").filter(has_text="on the last 22 months")
    expect(verdict).to_be_visible(timeout=240_000)
    # 22 test months hold one whole 12-month horizon: too few to call a winner, and the heading says so
    expect(verdict).to_contain_text("cannot be told apart")
    expect(page.get_by_text("Auto chose")).to_be_visible()
    expect(page.get_by_text("band held")).to_be_visible()
    assert blocking_violations(page) == []  # axe on the trained page
    page.screenshot(path=str(tmp_path / "airline.png"), full_page=True)
