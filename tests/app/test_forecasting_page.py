
import pandas as pd

from tests.app.helpers import models, train_with

PAGE = "views/forecasting.py"
PREFIX = "Sales forecasting"


def train_quickly(at):
    return train_with(at, PREFIX, epochs=2)


def without_inputs(at):
    """The built-in sales without their promotions and holidays: tests of other knobs train half the networks."""
    at.pills(key=f"{PREFIX}.inputs.sales.csv").set_value([]).run()
    return at


def upload(at, name: str, data: bytes):
    at.radio(key=f"{PREFIX}.source").set_value("Upload a CSV").run()
    at.file_uploader(key=f"{PREFIX}.upload").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_defaults_train_and_show_metrics_forecast_and_downloads(open_page):
    at = train_quickly(open_page(PAGE))
    assert " beats " in at.subheader[0].value or " tie:" in at.subheader[0].value  # the verdict sentence
    assert len(at.get("plotly_chart")) >= 4
    assert {"Forecast ahead (CSV)", "Test predictions (CSV)", "Trained model (.keras)", "Download forecaster.py",
            "Download sales.csv"} <= {d.label for d in at.get("download_button")}
    assert models(at) == 1
    assert any("Inputs are assumed known ahead" in c.value for c in at.caption)  # promotions and holidays by default
    worth = next(s.value for s in at.subheader if s.value == "What promotion and holiday are worth")
    assert worth and any("with promotion and holiday as inputs" in m.value for m in at.markdown)


def test_changing_the_cell_trains_another_model_and_keeps_both(open_page):
    at = without_inputs(open_page(PAGE))
    at.selectbox(key=f"{PREFIX}.preprocessing").set_value("difference").run()  # the networks, not auto's choice
    at = train_quickly(at)
    at.selectbox(key=f"{PREFIX}.cell").set_value("LSTM").run()
    at.button(key=f"{PREFIX}.train").click().run()
    assert models(at) == 2
    assert "LSTM model" in at.subheader[0].value


GOOD = b"date,sales\n" + b"".join(f"2024-01-{d:02d},{d % 7 + 10}\n".encode() for d in range(1, 29))


def test_a_good_upload_is_checked_before_training(open_page):
    at = upload(open_page(PAGE), "mine.csv", GOOD * 1)
    report = at.dataframe[0].value.iloc[0]
    assert (report["points"], report["frequency"], report["first date"]) == ("28", "daily", "2024-01-01")


COLUMNS = b"date,sales,closed,price\n" + b"".join(f"2024-01-{d:02d},{d % 7 + 10},0,{d % 3}\n".encode()
                                                  for d in range(1, 29))


def test_an_upload_offers_its_other_numeric_columns_as_inputs_and_refuses_a_useless_one(open_page):
    at = upload(open_page(PAGE), "mine.csv", COLUMNS)
    inputs = at.pills(key=f"{PREFIX}.inputs.mine.csv")
    assert inputs.options == ["closed", "price"] and inputs.value == []  # an upload starts without inputs
    inputs.set_value(["closed"]).run()
    assert not at.exception, at.exception
    assert any("'closed' has the same value (0) on every date" in e.value for e in at.error)


def test_backtest_option_trains_the_folds_and_shows_them(open_page):
    at = without_inputs(open_page(PAGE))
    at.selectbox(key=f"{PREFIX}.preprocessing").set_value("difference").run()  # the folds, not auto's statistics
    at.slider(key=f"{PREFIX}.backtest_folds").set_value(2).run()
    at = train_quickly(at)
    assert any("Rolling-origin backtest: 2 folds" in s.value for s in at.subheader)


MONTHLY = b"month,passengers\n" + b"".join(
    f"{pd.Timestamp('1949-01-01') + pd.DateOffset(months=k):%b %Y},{100 + 2 * k + 20 * (k % 12 in (5, 6, 7))}\n"
    .encode() for k in range(120))


def test_a_monthly_upload_derives_its_sizes_says_why_and_trains_with_the_defaults(open_page):
    at = upload(open_page(PAGE), "air.csv", MONTHLY)
    report = at.dataframe[0].value.iloc[0]
    assert (report["points"], report["frequency"], report["first date"]) == ("120", "monthly", "1949-01-01")
    assert any("monthly data, 120 points: a horizon of 12, a window of 24" in i.value for i in at.info)
    at = train_quickly(at)
    assert not at.exception, at.exception
    assert any(i.value.startswith("Auto chose") for i in at.info)
    assert any("band held" in m.value for m in at.markdown)
    table = at.dataframe[1].value
    assert {"AutoETS", "AutoTheta", "AutoARIMA", "naive", "seasonal naive"} <= set(table.index)
