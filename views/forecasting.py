"""Sales forecasting: a sliding-window recurrent model, judged honestly against simple baselines."""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core import datasets, scripts
from core import forecasting as fc
from core.diagnosis import run_of
from core.plots import plot_backtest, plot_forecasts, plot_history, plot_residuals, plot_window
from core.uploads import RECEIVE_MB, limits_help
from ui.guide import stop_before_results
from ui.messages import or_stop
from ui.toolkit import review_run, share_panel
from ui.training import train_or_reuse
from ui.verdict import show_verdict
from ui.widgets import input_choice, input_settings

PAGE = "Sales forecasting"
SOURCES = ("Built-in shop sales", "Pure noise (nothing to learn)", "Upload a CSV")


@dataclass(frozen=True)
class ChosenData:
    """The table the visitor chose, its two columns, and the file "Show the code" reads it from."""

    table: pd.DataFrame
    date_column: str
    value_column: str
    data_file: str
    data_name: str  # how the page names the data, e.g. "built-in sales: ice cream"
    product: str | None = None  # the built-in file holds several products; the script keeps this one
    data: Callable[[], bytes] | None = None  # the file's bytes, when the app has them to offer
    default_inputs: tuple[str, ...] = ()  # the columns chosen as inputs until the visitor says otherwise


def input_data(source: str) -> ChosenData:
    """The data of ``source``; stops the page with a message if an upload is unusable."""
    if source == SOURCES[0]:
        product = input_choice("Product", list(datasets.PRODUCTS), key=f"{PAGE}.product",
                               default=list(datasets.PRODUCTS)[1],
                               help="Each product has its own seasons: ice cream peaks in summer, "
                                    "gift cards before Christmas, umbrellas in the rainy months.")
        return ChosenData(datasets.load_builtin_sales(product), "date", "sales", datasets.SALES_FILE.name,
                          f"built-in sales: {product}", product, datasets.SALES_FILE.read_bytes, datasets.SALES_INPUTS)
    if source == SOURCES[1]:
        noise = datasets.make_noise_sales()
        return ChosenData(noise, "date", "sales", "noise.csv", "pure noise",
                          data=lambda: noise.to_csv(index=False).encode())
    return input_upload()


def input_upload() -> ChosenData:
    """The visitor's CSV and the columns they pick; stops the page until there is a usable file."""
    st.download_button("Download a template CSV", fc.template_csv(), "sales_template.csv", "text/csv",
                       help="The expected format: one row per date, a date column and a number column.")
    upload = st.file_uploader(f"CSV file (at most {fc.MAX_UPLOAD_MB} MB)", type=["csv", "txt"],
                              max_upload_size=RECEIVE_MB, key=f"{PAGE}.upload",
                              help="A date column (like 2024-03-01) and a column of numbers. "
                                   + limits_help(fc.MAX_UPLOAD_MB, "csv"))
    if upload is None:
        st.info("Choose a file to upload, or use the built-in sales.")
        st.stop()
    table = or_stop(lambda: fc.read_table(upload.getvalue(), f"'{upload.name}'"))
    date_columns, value_columns = or_stop(lambda: fc.column_choices(table))
    left, right = st.columns(2)
    date_column = left.selectbox("Date column", date_columns, help="The column that says when: dates like "
                                 "2024-03-01 or 2024-03-01 14:00, 2024-03, Mar 2024, 2024 Q1, or years like 1956.")
    value_column = right.selectbox("Value column", [c for c in value_columns if c != date_column],
                                   help="The numbers to forecast; numeric columns are listed first.")
    return ChosenData(table, date_column, value_column, upload.name, f"'{upload.name}': {value_column}")


def input_columns(chosen: ChosenData) -> list[str]:
    """The file's other numeric columns the visitor picks as inputs (the built-in promotions and holidays by
    default, nothing for an upload); none offered when the file has no such column."""
    offered = fc.input_choices(chosen.table, chosen.date_column, chosen.value_column)
    if not offered:
        return []
    # Pills, not a multiselect: Streamlit writes a multiselect's chosen tags in white on the primary colour, which
    # in the dark theme (sky blue) is 2.3:1, below WCAG AA (axe: color-contrast); a chosen pill keeps its text legible.
    picked = st.pills("Inputs", offered, selection_mode="multi",
                      default=[c for c in chosen.default_inputs if c in offered],
                      key=f"{PAGE}.inputs.{chosen.data_file}",
                      help="Other columns of the file the networks read beside the values, such as a price or a "
                           "promotion flag. Each forecast reads the inputs of the days it forecasts, so they must be "
                           "known ahead, like planned promotions, holidays or the shop's own prices. Each network "
                           "also forecasts without them, from the same training, and the page says what they are "
                           "worth.")
    if picked:
        st.caption("Inputs are assumed known ahead: the forecast of a day reads that day's inputs, as a shop knows "
                   "its planned promotions, holidays and prices. A column only known afterwards, like the weather, "
                   "would flatter the score here, and would be missing when you forecast for real.")
    return picked


st.title(PAGE)
st.markdown("Forecast a series one click at a time, the built-in shop's daily sales or a file of your own, then "
            "tinker. The question to settle: is the model any better than a simple rule like *same as last season* "
            "(last week, for daily sales), or than the statistical forecasters the field relies on?")

# ------------------------------------------------------------------ data
st.header("1 · The data")
source = input_choice("Data", SOURCES, key=f"{PAGE}.source", radio=True,
                      help="Built-in: three years of a shop's daily sales with weekly and yearly seasons, "
                           "promotions and holidays. Pure noise: random numbers, where no model can beat the "
                           "average. Upload: your own file with a date column and a number column.")
chosen = input_data(source)
inputs = input_columns(chosen)
series = or_stop(lambda: fc.prepare_series(chosen.table, chosen.date_column, chosen.value_column, inputs=inputs))
if series.ambiguous_dates:
    order = st.radio("Dates like 01/02/2024 are", ("month first (US)", "day first"), horizontal=True,
                     key=f"{PAGE}.day_first", help="No date in the file has a day over 12, so both orders read. "
                     "Month first: 01/02/2024 is January 2. Day first: it is 1 February.")
    series = or_stop(lambda: fc.prepare_series(chosen.table, chosen.date_column, chosen.value_column,
                                               day_first=order == "day first", inputs=inputs))
st.dataframe(pd.DataFrame([series.report]).astype(str), hide_index=True)
st.caption(f"What was read: {series.report['points']} {series.unit} from {series.report['first date']} to "
           f"{series.report['last date']}; gaps and missing values were filled by straight lines between their "
           "neighbours.")
for note in fc.notes_on(series):
    st.warning(note)

# ------------------------------------------------------------------ settings
st.header("2 · The model")
with st.expander("Model and training settings", expanded=True):
    columns = st.columns(3)
    with columns[0]:
        knobs = input_settings(fc.ForecastSettings, ["window", "horizon", "preprocessing", "test_size", "season",
                                                     "backtest_folds", "calendar"], PAGE)
    with columns[1]:
        knobs |= input_settings(fc.ForecastSettings, ["cell", "units", "layers", "dropout"], PAGE)
    with columns[2]:
        knobs |= input_settings(fc.ForecastSettings, ["epochs", "batch_size", "learning_rate", "seeds", "seed"],
                                PAGE)
knob_settings = fc.ForecastSettings(**knobs)  # 0 = chosen from the data; the key of the shared default model
lighter = fc.lighter_versions(series, knob_settings)
if lighter:
    picked = st.radio("This series is long: train on", list(lighter), key=f"{PAGE}.length",
                      help="A long series costs this shared server a long training. Summing it to a coarser "
                           "frequency, or keeping its latest part, trains in a fraction of the time; the "
                           "estimates assume every epoch runs (early stopping usually ends sooner).")
    series = lighter[picked]
settings, chosen_why = fc.resolve_settings(series, knob_settings)
if chosen_why:
    st.info(chosen_why)
st.caption(f"Season: {series.suggestion.sentence()} The Season knob sets it (0: {series.season}).")
st.plotly_chart(plot_window(series.values, settings.window, settings.horizon))
st.caption(f"One training example: the model reads the blue window ({settings.window} {series.unit}) and learns "
           f"to predict the orange horizon ({settings.horizon}). Sliding it along the series makes every other "
           "example.")
or_stop(lambda: fc.check_fits(series, settings))
if source != SOURCES[2]:  # built-in data: its yardsticks are fitted while the visitor reads, not after Train
    fc.prefetch_statistics(series, settings)
if (too_long := fc.time_limit_warning(series, settings)) is not None:
    st.warning(too_long)
share_panel(PAGE)

# ------------------------------------------------------------------ train
st.header("3 · Train and judge it")
compare_on = (f"{chosen.data_name}, horizon {settings.horizon}, the last {settings.test_size} "
              f"{series.unit}")
names = fc.input_names(series, settings.calendar)
read_too = f" · inputs: {', '.join(names)}" if names else ""
result = train_or_reuse(
    PAGE, knob_settings, fc.series_fingerprint(series, source),
    run=lambda on_epoch_end: fc.fit_and_backtest(series, settings, on_epoch_end),
    summary=f"{chosen.value_column} · {settings.cell} {settings.units}, window {settings.window}" + read_too,
    models=1 + settings.backtest_folds, public_data=source != SOURCES[2], compare_on=compare_on,
)
if result is None:
    stop_before_results(PAGE)

forecast = result.details
model_name, baseline = forecast.model_label, forecast.best_baseline
metrics = forecast.labelled(pd.DataFrame(forecast.metrics).T)
show_verdict(forecast.verdict)
st.info(forecast.choice)
st.dataframe(metrics.style.format("{:.2f}").highlight_min(axis=0, color="#d4edda"), column_config={
    "MAE": st.column_config.NumberColumn(help="Mean absolute error: the typical miss, in the series' units."),
    "RMSE": st.column_config.NumberColumn(help="Root mean squared error: like MAE, but big misses count more."),
    "sMAPE": st.column_config.NumberColumn(help="Symmetric mean absolute percentage error, in %."),
    "MASE": st.column_config.NumberColumn(help="MAE divided by the typical miss of 'same as one season ago', "
                                               "one step ahead, on the training part. Below 1 beats that "
                                               "in-sample yardstick; it is not the seasonal naive row of this "
                                               "table, which forecasts the test part up to the horizon ahead."),
})
st.caption(f"Scores on the last {settings.test_size} points, forecast {settings.horizon} at a time from every "
           f"point of the test part; green marks the best in each column. MASE divides each MAE by "
           f"{forecast.mase_scale:.3g}, the one-step seasonal-naive miss on the training part, so it is a "
           "yardstick of its own, not the headline's comparison. AutoETS, AutoTheta and AutoARIMA are the field's "
           "standard statistical forecasters, fitted on everything before the test part.")
for note in forecast.notes:
    st.caption(f"Substitute: {note}.")
seeds_role = "their mean is one part of auto's weighted mean above" if forecast.weights else "the model is their mean"
st.markdown(f"**Seeds:** {forecast.seed_spread()}; {seeds_role}. "
            f"**Likely range:** {forecast.band.sentence()}")
if forecast.input_worth is not None:
    st.subheader(forecast.input_worth.heading())
    st.markdown(forecast.input_worth.sentence())
    st.dataframe(forecast.input_worth.table(model_name).style.format("{:.3g}"))
    st.caption(forecast.input_worth.caption())
if forecast.inputs_ahead:
    st.caption(forecast.inputs_ahead)
st.plotly_chart(plot_history(result.history, settings.epochs))
st.caption(fc.training_story(result))

tests = forecast.labelled(forecast.test_forecasts)
st.plotly_chart(plot_forecasts(series.values, tests, forecast.future, model_name, baseline, forecast.test_start))
st.caption("Right of the dashed line is the test part: compare the orange model line and the green dotted "
           "baseline with the grey truth. Drag the slider below to move through time.")
st.plotly_chart(plot_residuals(tests, model_name))
st.caption("Misses over the test part; a run of bars on one side means the model is biased there.")

if forecast.backtest is not None:
    st.subheader(f"Rolling-origin backtest: {settings.backtest_folds} folds")
    st.dataframe(forecast.labelled(forecast.backtest.scores).style.format("{:.2f}")
                 .highlight_min(axis=1, color="#d4edda"))
    st.caption("MAE of each forecaster in each fold (the model retrained on the data before the fold), and "
               "the mean. Green marks the winner of each row: a model that wins only some folds was lucky.")
    st.plotly_chart(plot_backtest(series.values, forecast.labelled(forecast.backtest.points), model_name, baseline))
    st.caption("Each shaded stretch is one fold: the orange line was forecast from the data left of it alone.")

st.subheader("Downloads")
left, middle, right = st.columns(3)
dated = fc.date_format(series.frequency)  # hourly data keeps its hour
left.download_button("Forecast ahead (CSV)", forecast.future.to_csv(index=False, date_format=dated), "forecast.csv",
                     "text/csv",
                     help="The forecast past the end of the data with its likely range.")
middle.download_button("Test predictions (CSV)", tests.to_csv(index=False, date_format=dated), "test_predictions.csv",
                       "text/csv",
                       help="Model and baseline forecasts beside the truth.")
right.download_button("Trained model (.keras)", lambda: fc.model_file_bytes(result.model), "forecaster.keras",
                      help="The seeds' networks as one Keras model (one output row per seed, in scaled changes; "
                           "with inputs, the last rows are each network's head that reads no inputs), to load with "
                           "keras.saving.load_model in your own Python. The page's forecast is the mean of the "
                           "networks with the inputs, combined with statistical forecasts when Learn is auto.")

review_run(PAGE, run_of(result, {model_name: result.history}, forecast.verdict, restores_best_epoch=True),
           scripts.forecast_script(settings, series, chosen.data_file, chosen.date_column, chosen.value_column,
                                   chosen.product, chosen.data), compare_on)
